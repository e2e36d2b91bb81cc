package io.smm.operator.slo;

import io.smm.api.Durations;
import java.time.Duration;

/** Durations as Prometheus writes them in rules and range selectors: 5m, 1h, 3d, 90s. */
final class PrometheusDurations {

  private PrometheusDurations() {}

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /** Reads Prometheus (5m, 1h30m) and Kubernetes/Go (336h0m0s) durations. */
  static Duration parse(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SloException(e.getMessage());
    }
  }
}
