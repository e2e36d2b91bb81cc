package io.smm.api.sre;

import io.smm.api.Durations;
import java.time.Duration;

/**
 * The lengths of a ServiceLevelObjective's calendar windows: month, week or day (a month counts 30
 * days, as the burn-rate defaults assume); rolling windows are {@link Durations}. Shared by the SRE
 * controller and the backend.
 */
public final class SloPeriods {

  private SloPeriods() {}

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
