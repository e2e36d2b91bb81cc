package io.smm.api.sre;

/**
 * The names of the Prometheus series the SRE controller records for every SLO, an API between
 * the controller that writes them and the backend and dashboards that read them. Every series
 * carries the labels slo, namespace (the SLO's), service and service_namespace.
 */
public final class SloRuleNames {

  /** Bad/total events over a window; the window is appended, e.g. smm_slo:sli_error:ratio_rate1h. */
  public static final String ERROR_RATIO = "smm_slo:sli_error:ratio_rate";
  /** Bad/total events over the whole SLO period. */
  public static final String PERIOD_ERROR_RATIO = "smm_slo:sli_error:ratio_period";
  /** The goal as a ratio, e.g. 0.999. */
  public static final String OBJECTIVE = "smm_slo:objective:ratio";
  /** 1 - period error ratio / error budget; negative once the budget is overspent. */
  public static final String BUDGET_REMAINING = "smm_slo:error_budget_remaining:ratio";
  /** The burn-rate alert, labelled severity and policy besides the SLO's labels. */
  public static final String ALERT = "SLOErrorBudgetBurn";

  private SloRuleNames() {}
}
