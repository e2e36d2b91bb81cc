package io.smm.api.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterNamesTest {

  @Test
  void underscoresDotsAndColonsBecomeDashes() {
    assertThat(ClusterNames.convert("prod_eu.west:1")).isEqualTo("prod-eu-west-1");
    assertThat(ClusterNames.convert("arn:aws:eks:eu-west-1:123:cluster/Prod")).isEqualTo("arn-aws-eks-eu-west-1-123-cluster-prod");
    assertThat(ClusterNames.convert("gke_project_zone_name")).isEqualTo("gke-project-zone-name");
  }

  @Test
  void resultIsADnsLabelOfAtMost63Characters() {
    String converted = ClusterNames.convert("a".repeat(60) + "_" + "b".repeat(10));
    assertThat(converted).hasSize(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(ClusterNames.convert("a".repeat(62) + "_")).isEqualTo("a".repeat(62)).as("no trailing dash");
  }

  @Test
  void emptyOrUnusableNamesAreErrors() {
    assertThatThrownBy(() -> ClusterNames.convert(" ")).hasMessageContaining("cannot determine cluster name");
    assertThatThrownBy(() -> ClusterNames.convert("___")).hasMessageContaining("no usable characters");
  }
}
