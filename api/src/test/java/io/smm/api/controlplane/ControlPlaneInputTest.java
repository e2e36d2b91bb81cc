package io.smm.api.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.smm.api.schema.InvalidResourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlPlaneInputTest {

  static String seedExample() throws IOException {
    try (InputStream in = ControlPlaneInputTest.class.getResourceAsStream("/seed-controlplane.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What parsing the YAML is refused for, each as "path: problem". */
  static List<String> violations(String yaml) {
    InvalidResourceException e = catchThrowableOfType(() -> ControlPlaneInput.parse(yaml, "cp.yaml"), InvalidResourceException.class);
    assertThat(e).as("the ControlPlane is refused").isNotNull();
    return e.violations().stream().map(Object::toString).toList();
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
  void countsOutOfRangeAreRefusedWithTheirBound() {
    String yaml = """
        apiVersion: smm.cisco.com/v1alpha1
        kind: ControlPlane
        metadata: {name: smm}
        spec:
          smm:
            prometheus: {replicas: -5}
            grafana: {replicas: 1e26}
            tracing: {replicas: 3000000000}
        """;
    assertThat(violations(yaml)).containsExactlyInAnyOrder(
                ".spec.smm.prometheus.replicas: should be greater than or equal to 0, got -5",
                ".spec.smm.grafana.replicas: must be an integer, got 1.0E26",
                ".spec.smm.tracing.replicas: should be less than or equal to 2147483647, got 3000000000");
  }

  @Test
  void aSecondDocumentAndAliasesAreRefusedInsteadOfIgnored() {
    String twoDocuments = """
        apiVersion: smm.cisco.com/v1alpha1
        kind: ControlPlane
        metadata: {name: smm}
        spec: {}
        ---
        apiVersion: smm.cisco.com/v1alpha1
        kind: ControlPlane
        metadata: {name: other}
        """;
    assertThat(violations(twoDocuments))
        .containsExactly("(document): a second YAML document at line 5: a ControlPlane file holds one resource; put others in their own files");
    String aliases = """
        apiVersion: smm.cisco.com/v1alpha1
        kind: ControlPlane
        metadata: {name: smm}
        spec:
          clusterName: &name primary
          smm: {prometheus: {replicas: 1}}
          meshManager: {istio: {istioCRRef: {name: *name}}}
        """;
    assertThat(violations(aliases))
        .containsExactly("(document): YAML alias *name at line 7, column 44: aliases are not supported, write the value out");
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
