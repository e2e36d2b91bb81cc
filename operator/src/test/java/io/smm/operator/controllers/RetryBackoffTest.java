package io.smm.operator.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

  @Test
  void failuresDoubleTheDelayUpToTheCapAndASuccessStartsOver() {
    RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(backoff.failed("smm").toSeconds());
    }
    assertThat(delays).containsExactly(2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L);
    assertThat(backoff.failed("other").toSeconds()).as("per ControlPlane").isEqualTo(2);
    backoff.succeeded("smm");
    assertThat(backoff.failed("smm").toSeconds()).isEqualTo(2);
  }
}
