package io.smm.operator.slo;

import java.time.Duration;
import java.util.List;

/**
 * An AlertingPolicy: alert when the error ratio over lookBackWindow, and over the shorter
 * secondaryWindow (so the alert stops soon after the burning stops), is above threshold x the
 * error budget, for conditionMetDuration. Severity ticket or page routes it in Alertmanager.
 */
public record AlertPolicy(String name, String severity, double threshold, Duration lookBackWindow, Duration secondaryWindow,
    Duration conditionMetDuration) {

  public AlertPolicy {
    if (!severity.equals("page") && !severity.equals("ticket")) {
      throw new SloException("alerting policy " + name + ": severity must be page or ticket, not \"" + severity + "\"");
    }
    if (!(threshold > 0)) {
      throw new SloException("alerting policy " + name + ": burn rate threshold must be positive, not " + threshold);
    }
    if (secondaryWindow != null && secondaryWindow.compareTo(lookBackWindow) >= 0) {
      throw new SloException("alerting policy " + name + ": the secondary (control) window must be shorter than the look-back window");
    }
  }

  /**
   * The Google SRE Workbook's multiwindow, multi-burn-rate pair for a 30-day SLO — page at 14.4x
   * over 1h (control 5m) and 6x over 6h (30m), ticket at 3x over 1d (2h) and 1x over 3d (6h) —
   * with the windows scaled to the SLO's period, so each still means the same share of budget.
   */
  public static List<AlertPolicy> defaults(Duration period) {
    double scale = period.toSeconds() / (double) Duration.ofDays(30).toSeconds();
    return List.of(
        new AlertPolicy("page-fast-burn", "page", 14.4, scaled(Duration.ofHours(1), scale), scaled(Duration.ofMinutes(5), scale),
            Duration.ofMinutes(2)),
        new AlertPolicy("page-slow-burn", "page", 6, scaled(Duration.ofHours(6), scale), scaled(Duration.ofMinutes(30), scale),
            Duration.ofMinutes(15)),
        new AlertPolicy("ticket-fast-burn", "ticket", 3, scaled(Duration.ofDays(1), scale), scaled(Duration.ofHours(2), scale),
            Duration.ofHours(1)),
        new AlertPolicy("ticket-slow-burn", "ticket", 1, scaled(Duration.ofDays(3), scale), scaled(Duration.ofHours(6), scale),
            Duration.ofHours(3)));
  }

  /** Scaled, and rounded to whole minutes (at least one), which Prometheus range selectors read well. */
  static Duration scaled(Duration d, double scale) {
    return Duration.ofMinutes(Math.max(1, Math.round(d.toSeconds() * scale / 60)));
  }
}
