package io.smm.operator.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.smm.api.sre.SloRuleNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Prometheus rules of one SLO (one rule group, to go into a PrometheusRule): the SLI's error
 * ratio recorded once per window any alerting policy needs (windows shared between policies) and
 * over the whole period, the objective and the error budget remaining; one multiwindow burn-rate
 * alert per policy. Rule names are stable (they are an API: dashboards and the backend read them):
 * <ul>
 *   <li>{@code smm_slo:sli_error:ratio_rate<window>} — bad/total events over the window</li>
 *   <li>{@code smm_slo:sli_error:ratio_period} — the same over the SLO period</li>
 *   <li>{@code smm_slo:objective:ratio} — the goal, e.g. 0.999</li>
 *   <li>{@code smm_slo:error_budget_remaining:ratio} — 1 - period error ratio / budget (negative when overspent)</li>
 *   <li>alert {@code SLOErrorBudgetBurn} — labels severity, slo, namespace, service, policy</li>
 * </ul>
 * Every series carries {@code slo}, {@code namespace} (the SLO's), {@code service} and
 * {@code service_namespace}.
 */
public final class BurnRateRules {

  public static final String ERROR_RATIO = SloRuleNames.ERROR_RATIO;
  public static final String PERIOD_ERROR_RATIO = SloRuleNames.PERIOD_ERROR_RATIO;
  public static final String OBJECTIVE = SloRuleNames.OBJECTIVE;
  public static final String BUDGET_REMAINING = SloRuleNames.BUDGET_REMAINING;
  public static final String ALERT = SloRuleNames.ALERT;

  /** A recording rule (record set) or an alerting rule (alert set), as in a Prometheus rule file. */
  public record Rule(String record, String alert, String expr, String forDuration, Map<String, String> labels,
      Map<String, String> annotations) {}

  public record RuleGroup(String name, List<Rule> rules) {}

  private BurnRateRules() {}

  public static RuleGroup rules(Slo slo, SliTemplate template, List<AlertPolicy> policies) {
    Map<String, String> params = template.resolve(slo.params());
    Map<String, String> labels = labels(slo);
    String selector = selector(labels);
    List<Rule> rules = new ArrayList<>();
    TreeSet<Duration> windows = new TreeSet<>();
    for (AlertPolicy p : policies) {
      windows.add(p.lookBackWindow());
      if (p.secondaryWindow() != null) {
        windows.add(p.secondaryWindow());
      }
    }
    for (Duration w : windows) {
      rules.add(new Rule(ERROR_RATIO + PrometheusDurations.format(w), null, errorRatio(slo, template, params, w), null, labels, null));
    }
    rules.add(new Rule(PERIOD_ERROR_RATIO, null, errorRatio(slo, template, params, slo.period()), null, labels, null));
    rules.add(new Rule(OBJECTIVE, null, "vector(" + number(slo.goalPercent() / 100) + ")", null, labels, null));
    rules.add(new Rule(BUDGET_REMAINING, null, "1 - " + PERIOD_ERROR_RATIO + selector + " / " + number(slo.errorBudget()), null, labels,
        null));
    for (AlertPolicy p : policies) {
      String limit = "(" + number(p.threshold()) + " * " + number(slo.errorBudget()) + ")";
      String expr = ERROR_RATIO + PrometheusDurations.format(p.lookBackWindow()) + selector + " > " + limit
          + (p.secondaryWindow() == null ? "" : "\nand\n" + ERROR_RATIO + PrometheusDurations.format(p.secondaryWindow()) + selector + " > "
              + limit);
      Map<String, String> alertLabels = new LinkedHashMap<>(labels);
      alertLabels.put("severity", p.severity());
      alertLabels.put("policy", p.name());
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("summary", slo.serviceName() + " in " + slo.serviceNamespace() + " is burning its error budget at over "
          + number(p.threshold()) + "x the sustainable rate (SLO " + slo.name() + ")");
      annotations.put("description", "Error ratio over " + PrometheusDurations.format(p.lookBackWindow())
          + (p.secondaryWindow() == null ? "" : " and " + PrometheusDurations.format(p.secondaryWindow())) + " is above "
          + number(p.threshold()) + " x " + number(slo.errorBudget() * 100) + "% (the budget of a " + number(slo.goalPercent())
          + "% goal over " + PrometheusDurations.format(slo.period()) + "). Current: {{ $value | humanizePercentage }}.");
      rules.add(new Rule(null, ALERT, expr, PrometheusDurations.format(p.conditionMetDuration()), alertLabels, annotations));
    }
    return new RuleGroup("smm-slo-" + slo.namespace() + "-" + slo.name(), rules);
  }

  /**
   * bad/total over the window. When no good events exist at all (every request failing) the good
   * query is empty, so it falls back to zero good events instead of leaving the ratio, and the
   * alert, empty during a full outage.
   */
  static String errorRatio(Slo slo, SliTemplate template, Map<String, String> params, Duration window) {
    SliTemplate.Context c = new SliTemplate.Context(slo.serviceNamespace(), slo.serviceName(), PrometheusDurations.format(window), params);
    String total = template.total(c);
    return "1 - (\n  (" + template.good(c) + ")\n  or\n  (" + total + ") * 0\n) / (\n  " + total + "\n)";
  }

  static Map<String, String> labels(Slo slo) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("slo", slo.name());
    l.put("namespace", slo.namespace());
    l.put("service", slo.serviceName());
    l.put("service_namespace", slo.serviceNamespace());
    return l;
  }

  private static String selector(Map<String, String> labels) {
    return "{slo=\"" + labels.get("slo") + "\",namespace=\"" + labels.get("namespace") + "\"}";
  }

  static String number(double v) {
    String s = String.format(Locale.ROOT, "%.10f", v).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** The groups as a Prometheus rule file (what promtool checks and the sandbox loads). */
  public static String ruleFile(List<RuleGroup> groups) {
    return yaml(Map.of("groups", groups.stream().map(BurnRateRules::group).toList()));
  }

  /** A monitoring.coreos.com/v1 PrometheusRule holding the SLO's group, owned by the SLO. */
  public static Map<String, Object> prometheusRule(Slo slo, RuleGroup group) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "slo-" + slo.name());
    metadata.put("namespace", slo.namespace());
    metadata.put("labels", Map.of("app.kubernetes.io/managed-by", "smm", "sre.smm.cisco.com/slo", slo.name()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", "monitoring.coreos.com/v1");
    out.put("kind", "PrometheusRule");
    out.put("metadata", metadata);
    out.put("spec", Map.of("groups", List.of(group(group))));
    return out;
  }

  private static Map<String, Object> group(RuleGroup g) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", g.name());
    out.put("rules", g.rules().stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      if (r.record() != null) {
        m.put("record", r.record());
      } else {
        m.put("alert", r.alert());
      }
      m.put("expr", r.expr());
      if (r.forDuration() != null) {
        m.put("for", r.forDuration());
      }
      m.put("labels", r.labels());
      if (r.annotations() != null) {
        m.put("annotations", r.annotations());
      }
      return m;
    }).collect(Collectors.toList()));
    return out;
  }

  static String yaml(Object value) {
    try {
      return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
