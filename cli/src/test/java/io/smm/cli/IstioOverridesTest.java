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

  @Test
  void overridesThatAreNotAMappingAreRefusedNotReplaced() {
    assertThatThrownBy(() -> IstioOverrides.withNetwork("- a\n- b\n", "peer")).hasMessageContaining("is not a YAML mapping");
    assertThatThrownBy(() -> IstioOverrides.withNetwork("spec: [unclosed", "peer")).hasMessageContaining("is not valid YAML");
  }
}
