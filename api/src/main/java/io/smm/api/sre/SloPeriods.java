package io.smm.api.sre;

import io.smm.api.Durations;
import java.time.Duration;

/**
 * The lengths a ServiceLevelObjective's period is written in: rolling windows as Prometheus (5m,
 * 30d) or Kubernetes/Go (336h0m0s) durations, calendar windows as month, week or day (a month
 * counts 30 days, as the burn-rate defaults assume). Shared by the SRE controller and the backend.
 */
public final class SloPeriods {

  private SloPeriods() {}

  /** A rolling window's length; {@link Durations#parse}. */
  public static Duration parse(String text) {
    return Durations.parse(text);
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
