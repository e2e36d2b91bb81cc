package io.smm.operator.istio.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** k8sResourceOverlays as the istio-operator applies them to what it renders (the seed's TLS example among them). */
class ResourceOverlaysTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<HasMetadata> objects() {
    return List.of(new DeploymentBuilder().withNewMetadata().withName("istiod-cp-v115x").withNamespace("istio-system").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("discovery").withArgs("discovery")
            .addNewEnv().withName("PILOT_TRACE_SAMPLING").withValue("1").endEnv().endContainer().endSpec().endTemplate().endSpec().build(),
        new ConfigMapBuilder().withNewMetadata().withName("istio-cp-v115x").withNamespace("istio-system").endMetadata().build());
  }

  private static JsonNode overlays(String yaml) throws Exception {
    return YAML.readTree(yaml);
  }

  @Test
  void theSeedsExampleAppendsAnArgumentToIstiod() throws Exception {
    List<HasMetadata> in = objects();
    List<HasMetadata> out = ResourceOverlays.apply(in, overlays("""
        - groupVersionKind: {group: apps, kind: Deployment, version: v1}
          objectKey: {name: istiod-cp-v115x, namespace: istio-system}
          patches:
          - path: /spec/template/spec/containers/0/args/-
            type: replace
            value: --tls-cipher-suites=TLS_AES_256_GCM_SHA384
        """));
    Deployment istiod = (Deployment) out.get(0);
    assertThat(istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("discovery", "--tls-cipher-suites=TLS_AES_256_GCM_SHA384");
    assertThat(out.get(1)).as("objects the overlay does not select are untouched").isSameAs(in.get(1));
  }

  @Test
  void optionalSegmentsCreateWhatIsMissingAndListEntriesAreFoundByName() throws Exception {
    List<HasMetadata> out = ResourceOverlays.apply(objects(), overlays("""
        - groupVersionKind: {kind: Deployment}
          patches:
          - {type: replace, path: "/metadata?/labels?/team?", value: mesh}
          - {type: replace, path: "/spec/template/spec/containers/name=discovery/env/name=PILOT_TRACE_SAMPLING/value", value: "50"}
          - {type: replace, path: "/spec/template/spec/containers/0/resources?", parseValue: true, value: "limits: {memory: 2Gi}"}
          - {type: remove, path: "/spec/template/spec/containers/0/env/name=NOT_THERE?"}
        """));
    Deployment istiod = (Deployment) out.get(0);
    assertThat(istiod.getMetadata().getLabels()).containsEntry("team", "mesh");
    assertThat(istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue()).isEqualTo("50");
    assertThat(istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString())
        .isEqualTo("2Gi");
  }

  @Test
  void aPatchThatCannotApplyNamesTheOverlayAndTheObject() throws Exception {
    assertThatThrownBy(() -> ResourceOverlays.apply(objects(), overlays("""
        - groupVersionKind: {kind: Deployment}
          patches:
          - {type: replace, path: /spec/template/spec/containers/3/args/-, value: x}
        """))).hasMessageStartingWith("spec.k8sResourceOverlays[0].patches[0] on Deployment istiod-cp-v115x: no \"3\"");
  }
}
