package io.smm.api.sre;

import java.time.Duration;

/**
 * The lengths a ServiceLevelObjective's period is written in: rolling windows as Prometheus (5m,
 * 30d) or Kubernetes/Go (336h0m0s) durations, calendar windows as month, week or day (a month
 * counts 30 days, as the burn-rate defaults assume). Shared by the SRE controller and the backend.
 */
public final class SloPeriods {

  private SloPeriods() {}

  /** @throws IllegalArgumentException for text that is not such a duration */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (!t.matches("(\\d+(ms|s|m|h|d|w|y))+")) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 5m, 1h or 336h0m0s");
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

  /** @throws IllegalArgumentException for anything but month, week or day */
  public static Duration calendar(String length) {
    return switch (length == null ? "" : length) {
      case "month" -> Duration.ofDays(30);
      case "week" -> Duration.ofDays(7);
      case "day" -> Duration.ofDays(1);
      default -> throw new IllegalArgumentException("slo.calendar.length must be month, week or day, not \"" + length + "\"");
    };
  }
}
