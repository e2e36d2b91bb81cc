package io.smm.api.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smm.api.schema.InvalidResourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlPlaneInputTest {

  static String seedExample() throws IOException {
    try (InputStream in = ControlPlaneInputTest.class.getResourceAsStream("/seed-controlplane.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSeedsExampleIsAccepted() throws Exception {
    var cp = ControlPlaneInput.parse(seedExample(), "seed example");
    assertThat(cp.path("spec").path("meshManager").path("istio").path("istioCRRef").path("name").asText()).isEqualTo("cp-v115x");
  }

  @Test
  void unknownFieldsBadEnumsAndWrongTypesAreAllReportedWithTheirPath() {
    String yaml = """
        apiVersion: smm.cisco.com/v1alpha1
        kind: ControlPlane
        metadata: {name: smm}
        spec:
          role: primary
          clusterNmae: one
          smm:
            prometheus:
              replicas: two
        """;
    assertThatThrownBy(() -> ControlPlaneInput.parse(yaml, "cp.yaml"))
        .isInstanceOfSatisfying(InvalidResourceException.class, e -> assertThat(e.violations()).extracting(Object::toString)
            .containsExactlyInAnyOrder(
                ".spec.role: must be one of active, passive, got \"primary\"",
                ".spec.clusterNmae: unknown field (did you mean \"clusterName\"?)",
                ".spec.smm.prometheus.replicas: must be an integer, got \"two\""))
        .hasMessageStartingWith("cp.yaml is invalid: ");
  }

  @Test
  void yamlSyntaxErrorsNameLineAndColumn() {
    assertThatThrownBy(() -> ControlPlaneInput.parse("spec:\n  role: [active\n  smm: {}\n", "cp.yaml"))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining("not valid YAML at line");
  }

  @Test
  void brokenIstioCrOverridesAreRejected() {
    String yaml = """
        spec:
          meshManager:
            istio:
              istioCROverrides: |
                spec:
                  mode: SOMETIMES
        """;
    assertThatThrownBy(() -> ControlPlaneInput.parse(yaml, "cp.yaml"))
        .hasMessageContaining(".spec.meshManager.istio.istioCROverrides(spec).mode: must be one of ACTIVE, PASSIVE");
    String notYaml = "spec:\n  meshManager:\n    istio:\n      istioCROverrides: \"spec: [\"\n";
    assertThatThrownBy(() -> ControlPlaneInput.parse(notYaml, "cp.yaml"))
        .hasMessageContaining(".spec.meshManager.istio.istioCROverrides: not valid YAML");
  }

  @Test
  void theWrongKindIsRejected() {
    assertThatThrownBy(() -> ControlPlaneInput.parse("apiVersion: v1\nkind: ConfigMap\n", "cp.yaml"))
        .hasMessageContaining(".kind: must be ControlPlane").hasMessageContaining(".apiVersion: must be smm.cisco.com/v1alpha1");
  }
}
