package io.smm.backend.slo;

import java.util.List;
import java.util.Map;

/**
 * An SLO as the Services page lists it: what it promises, what the SRE controller said, and what
 * Prometheus records for it now. Ratios are NaN until the rules have been evaluated.
 *
 * @param burnRates error ratio / error budget per recorded window ("5m", "1h", ...)
 * @param budgetConsumed share of the period's error budget spent (1 = all of it; above 1 = overspent)
 * @param periodSeconds the SLO's period (a calendar month counts 30 days); NaN when it cannot be read
 * @param dataSeconds how long the period's numbers have been recorded, at most the period; NaN when unknown
 * @param compliance the SLI over the period (1 - period error ratio)
 */
public record SloInfo(String name, String namespace, String service, String serviceNamespace, String template, String templateNamespace,
    Map<String, String> parameters, double goalPercent, String period, String description, String status, String error,
    Map<String, Double> burnRates, double currentBurnRate, double budgetConsumed, double compliance, List<Alert> alerts,
    double periodSeconds, double dataSeconds) {

  /**
   * One alerting policy and the state of its alert (inactive, pending or firing). The burn-rate
   * parameters are those the SRE controller used (empty/NaN before it reconciled the SLO).
   */
  public record Alert(String policy, String severity, String state, double threshold, String lookBackWindow, String secondaryWindow,
      String conditionMetDuration) {

    public Alert(String policy, String severity, String state) {
      this(policy, severity, state, Double.NaN, "", "", "");
    }
  }
}
