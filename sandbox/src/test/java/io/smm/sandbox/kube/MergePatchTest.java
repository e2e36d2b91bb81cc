package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.smm.api.crd.IstioCrds;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A JSON merge patch (kubectl apply's patch for custom resources) replaces lists whole, as RFC 7386 and kube-apiserver do. */
class MergePatchTest {

  @Test
  void kubectlApplysMergePatchReplacesAVirtualServicesRouteList() {
    try (EmbeddedApiServer api = EmbeddedApiServer.start(0); KubernetesClient c = api.newClient()) {
      c.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(IstioCrds.VIRTUAL_SERVICE)).create();
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
      var vs = c.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo");
      vs.resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("VirtualService")
          .withNewMetadata().withName("analytics").endMetadata()
          .addToAdditionalProperties("spec", Map.of("hosts", List.of("analytics"), "http", List.of(Map.of("route", List.of(
              Map.of("destination", Map.of("host", "analytics", "subset", "v0"), "weight", 100),
              Map.of("destination", Map.of("host", "analytics", "subset", "v1"), "weight", 0)))))).build()).create();

      var patched = vs.withName("analytics").patch(PatchContext.of(PatchType.JSON_MERGE), """
          {"metadata":{"annotations":{"note":"90/10"}},"spec":{"http":[{"route":[
            {"destination":{"host":"analytics","subset":"v0"},"weight":90},
            {"destination":{"host":"analytics","subset":"v1"},"weight":10}]}]}}
          """);

      assertThat(patched.getMetadata().getAnnotations()).containsEntry("note", "90/10");
      @SuppressWarnings("unchecked")
      var spec = (Map<String, Object>) vs.withName("analytics").get().getAdditionalProperties().get("spec");
      assertThat(spec.toString()).contains("weight=90").contains("weight=10").doesNotContain("weight=100");
      assertThat(spec).containsKey("hosts"); // what the patch does not name is kept
    }
  }
}
