package io.smm.operator.slo;

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
    String t = text == null ? "" : text.trim();
    if (!t.matches("(\\d+(ms|s|m|h|d|w|y))+")) {
      throw new SloException("\"" + text + "\" is not a duration such as 5m, 1h or 336h0m0s");
    }
    Duration out = Duration.ZERO;
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      out = out.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(7 * n);
        default -> Duration.ofDays(365 * n);
      });
    }
    return out;
  }
}
