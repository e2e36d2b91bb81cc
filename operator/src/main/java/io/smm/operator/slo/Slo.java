package io.smm.operator.slo;

import io.smm.api.sre.SloPeriods;
import java.time.Duration;
import java.util.Map;

/**
 * A ServiceLevelObjective: which service, which SLI template with which parameters, the goal in
 * percent and the period (rolling length, or a calendar month/week/day, evaluated here over the
 * same length rolling — see the module README).
 */
public record Slo(String name, String namespace, String serviceName, String serviceNamespace, String templateName,
    String templateNamespace, Map<String, String> params, double goalPercent, Duration period, String description) {

  public Slo {
    if (!(goalPercent > 0 && goalPercent < 100)) {
      throw new SloException("slo.goal must be a percentage above 0 and below 100, not " + goalPercent);
    }
    if (period.isZero() || period.isNegative()) {
      throw new SloException("the SLO period must be positive");
    }
  }

  /** The share of events allowed to be bad over the period, e.g. 0.001 for 99.9%. */
  public double errorBudget() {
    return 1 - goalPercent / 100;
  }

  /** The period of a calendar SLO (month counts 30 days, as the burn-rate defaults assume). */
  public static Duration calendar(String length) {
    try {
      return SloPeriods.calendar(length);
    } catch (IllegalArgumentException e) {
      throw new SloException(e.getMessage());
    }
  }
}
