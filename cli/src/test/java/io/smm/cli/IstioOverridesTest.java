package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IstioOverridesTest {

  @Test
  void theNetworkIsSetAndWhatElseTheUserOverridesIsKept() {
    String overrides = "spec:\n  meshConfig:\n    enableTracing: false\n  networkName: old\n";
    String changed = IstioOverrides.withNetwork(overrides, "peer");
    assertThat(IstioOverrides.network(changed)).contains("peer");
    assertThat(changed).contains("enableTracing: false").doesNotContain("old");
    assertThat(IstioOverrides.network(IstioOverrides.withNetwork("", "net-2"))).contains("net-2");
    assertThat(IstioOverrides.network("")).isEmpty();
  }

  /** A remote Istio cluster's control plane is PASSIVE with the standalone injector; back to ACTIVE, both go and the rest stays. */
  @Test
  void thePassiveModeBringsTheStandaloneInjectorAndActiveTakesBothAway() throws Exception {
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    String passive = IstioOverrides.withMode("spec:\n  networkName: peer\n  sidecarInjector:\n    templates: {}\n", false);
    var spec = yaml.readTree(passive).path("spec");
    assertThat(spec.path("mode").asText()).isEqualTo("PASSIVE");
    assertThat(spec.at("/sidecarInjector/deployment/replicas/count").asInt()).isEqualTo(1);
    assertThat(spec.path("networkName").asText()).isEqualTo("peer");
    var active = yaml.readTree(IstioOverrides.withMode(passive, true)).path("spec");
    assertThat(active.has("mode")).isFalse();
    assertThat(active.path("sidecarInjector").has("deployment")).isFalse();
    assertThat(active.path("sidecarInjector").has("templates")).as("the user's own injector settings stay").isTrue();
    assertThat(active.path("networkName").asText()).isEqualTo("peer");
  }

  @Test
  void overridesThatAreNotAMappingAreRefusedNotReplaced() {
    assertThatThrownBy(() -> IstioOverrides.withNetwork("- a\n- b\n", "peer")).hasMessageContaining("is not a YAML mapping");
    assertThatThrownBy(() -> IstioOverrides.withNetwork("spec: [unclosed", "peer")).hasMessageContaining("is not valid YAML");
  }
}
