package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.IstioCrds;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One object under every served version of its CRD, as kube-apiserver serves Istio's (conversion None). */
class CrdVersionsTest {

  @Test
  void anIstioObjectWrittenAsV1alpha3ReadsAsV1beta1AndBack() {
    try (EmbeddedApiServer api = EmbeddedApiServer.start(0); KubernetesClient c = api.newClient()) {
      IstioCrds.ALL.forEach(k -> c.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(k)).create());
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
      var created = c.genericKubernetesResources("networking.istio.io/v1alpha3", "WorkloadGroup").inNamespace("smm-demo")
          .resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup")
              .withNewMetadata().withName("analytics-v0").endMetadata()
              .addToAdditionalProperties("spec", Map.of("template", Map.of("serviceAccount", "default"))).build()).create();
      assertThat(created.getApiVersion()).isEqualTo("networking.istio.io/v1alpha3");

      var beta = c.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadGroup").inNamespace("smm-demo")
          .withName("analytics-v0").get();
      assertThat(beta.getApiVersion()).isEqualTo("networking.istio.io/v1beta1");
      assertThat(beta.getAdditionalProperties()).containsKey("spec");
      assertThat(c.genericKubernetesResources("networking.istio.io/v1alpha3", "WorkloadGroup").inAnyNamespace().list().getItems())
          .singleElement().satisfies(wg -> assertThat(wg.getApiVersion()).isEqualTo("networking.istio.io/v1alpha3"));

      c.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadGroup").inNamespace("smm-demo").withName("analytics-v0")
          .edit(wg -> {
            wg.getMetadata().setLabels(Map.of("app", "analytics"));
            return wg;
          });
      assertThat(c.genericKubernetesResources("networking.istio.io/v1alpha3", "WorkloadGroup").inNamespace("smm-demo")
          .withName("analytics-v0").get().getMetadata().getLabels()).containsEntry("app", "analytics");
    }
  }
}
