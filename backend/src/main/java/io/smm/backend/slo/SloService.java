package io.smm.backend.slo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.Durations;
import io.smm.api.crd.SmmCrds;
import io.smm.api.sre.SloPeriods;
import io.smm.api.sre.SloRuleNames;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.backend.telemetry.TimePoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * SLOs of a namespace with their live numbers: the ServiceLevelObjectives (and the controller's
 * status) from Kubernetes, the recorded ratios and the burn-rate alerts' states from Prometheus.
 * Creating one writes a ServiceLevelObjective after checking what can be checked here (template,
 * parameters, goal, period); the SRE controller renders it and reports in its status.
 */
public record SloService(KubernetesClient client, PrometheusClient prometheus, Executor blocking) {

  /** Longest period whose data coverage is looked up (a calendar month is 30 days). */
  private static final String MAX_PERIOD = "31d";

  /**
   * The SLOs of a namespace (all namespaces when null; of one service when given), sorted by
   * namespace and name; numbers NaN when Prometheus cannot answer.
   */
  public CompletableFuture<List<SloInfo>> slos(String namespace, String service) {
    CompletableFuture<List<GenericKubernetesResource>> resources = CompletableFuture.supplyAsync(() -> list(namespace), blocking);
    String inNamespace = namespace == null ? "" : "," + TelemetryQueries.eq("namespace", namespace);
    CompletableFuture<List<Sample>> recorded = prometheus.instant("{__name__=~\"smm_slo:.*\"" + inNamespace + "}", Instant.now())
        .exceptionally(e -> List.of());
    CompletableFuture<List<Sample>> alerts = prometheus.instant("ALERTS{alertname=\"" + SloRuleNames.ALERT + "\"" + inNamespace + "}",
        Instant.now()).exceptionally(e -> List.of());
    // Since when each SLO's period ratio is recorded: a budget computed from 8 minutes of a 30-day
    // window is an extrapolation, and is shown as one. The earlier of two lookups: over the whole
    // window hourly (to the hour is precise enough for days, and 744 steps stay cheap where the default
    // resolution would be ~180 000), and over the last hour at the default resolution (an SLO younger
    // than an hour; the hourly lookup only sees it from the last full hour on). Labelled apart, so
    // that `or` keeps both for the min.
    String series = "timestamp(" + SloRuleNames.PERIOD_ERROR_RATIO + "{" + inNamespace.replaceFirst("^,", "") + "})";
    CompletableFuture<List<Sample>> since = prometheus.instant("min by (namespace, slo) (label_replace(min_over_time(" + series + "["
        + MAX_PERIOD + ":1h]), \"lookup\", \"hourly\", \"\", \"\") or label_replace(min_over_time(" + series
        + "[1h:]), \"lookup\", \"recent\", \"\", \"\"))", Instant.now())
        .exceptionally(e -> List.of());
    CompletableFuture<List<Sample>> withSince = recorded.thenCombine(since, (values, starts) -> {
      List<Sample> all = new ArrayList<>(values);
      all.addAll(starts);
      return all;
    });
    return resources.thenCombine(withSince, (rs, values) -> new Object[] {rs, values}).thenCombine(alerts, (pair, active) -> {
      @SuppressWarnings("unchecked")
      List<GenericKubernetesResource> rs = (List<GenericKubernetesResource>) pair[0];
      @SuppressWarnings("unchecked")
      List<Sample> values = (List<Sample>) pair[1];
      List<SloInfo> out = new ArrayList<>();
      for (GenericKubernetesResource r : rs) {
        SloInfo info = info(r, values, active);
        if (service == null || service.equals(info.service())) {
          out.add(info);
        }
      }
      out.sort(Comparator.comparing(SloInfo::namespace).thenComparing(SloInfo::name));
      return out;
    });
  }

  /** A value at a time (epoch seconds). */
  public record Point(long epochSecond, double value) implements TimePoint {}

  /** An SLO's history for charts: burn rate per recorded window and error budget remaining. */
  public record Series(Map<String, List<Point>> burnRates, List<Point> budgetRemaining) {}

  /** The burn rates and budget of one SLO from end - range to now, every step. */
  public CompletableFuture<Series> series(String namespace, String name, Duration range, Duration step) {
    CompletableFuture<Double> budget = CompletableFuture.supplyAsync(() -> {
      GenericKubernetesResource r = client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(),
          SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind()).inNamespace(namespace).withName(name).get();
      if (r == null) {
        throw new IllegalArgumentException("there is no SLO " + namespace + "/" + name);
      }
      return 1 - parse(Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().getOrDefault("spec", Map.of()))
          .at("/slo/goal").asText("")) / 100;
    }, blocking);
    Instant end = Instant.now();
    String selector = TelemetryQueries.eq("slo", name) + "," + TelemetryQueries.eq("namespace", namespace);
    var recorded = prometheus.range("{__name__=~\"" + SloRuleNames.ERROR_RATIO + ".*|" + SloRuleNames.BUDGET_REMAINING.replace(".", "\\\\.")
        + "\"," + selector + "}", end.minus(range), end, step);
    return budget.thenCombine(recorded, (b, series) -> {
      Map<String, List<Point>> burn = new TreeMap<>(Comparator.comparing(SloService::seconds));
      List<Point> remaining = new ArrayList<>();
      for (io.smm.backend.prometheus.Series s : series) {
        String metric = s.labels().getOrDefault("__name__", "");
        List<Point> points = s.points().stream().map(p -> new Point(p.epochSecond(), metric.equals(SloRuleNames.BUDGET_REMAINING)
            ? p.value() : p.value() / b)).toList();
        if (metric.equals(SloRuleNames.BUDGET_REMAINING)) {
          remaining.addAll(points);
        } else {
          burn.put(metric.substring(SloRuleNames.ERROR_RATIO.length()), points);
        }
      }
      return new Series(burn, remaining);
    });
  }

  /** How the mesh's SLOs stand (the Overview): how many, how many have spent their budget, how many alert. */
  public record Summary(int total, int budgetExhausted, int firing, int pending, int failing) {}

  public CompletableFuture<Summary> summary() {
    return summary(slos(null, null));
  }

  /** The summary over some namespaces only (a user who may read just those). */
  public CompletableFuture<Summary> summary(List<String> namespaces) {
    List<CompletableFuture<List<SloInfo>>> each = namespaces.stream().map(ns -> slos(ns, null)).toList();
    return summary(CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(x -> each.stream().flatMap(f -> f.join().stream()).toList()));
  }

  private static CompletableFuture<Summary> summary(CompletableFuture<List<SloInfo>> slos) {
    return slos.thenApply(all -> new Summary(all.size(),
        (int) all.stream().filter(s -> s.budgetConsumed() >= 1).count(),
        (int) all.stream().filter(s -> s.alerts().stream().anyMatch(a -> a.state().equals("firing"))).count(),
        (int) all.stream().filter(s -> s.alerts().stream().anyMatch(a -> a.state().equals("pending"))
            && s.alerts().stream().noneMatch(a -> a.state().equals("firing"))).count(),
        (int) all.stream().filter(s -> s.status().equals("Failed")).count()));
  }

  private List<GenericKubernetesResource> list(String namespace) {
    try {
      var all = client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(), SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind());
      return (namespace == null ? all.inAnyNamespace() : all.inNamespace(namespace)).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of(); // SMM's CRDs are not installed
      }
      throw e;
    }
  }

  static SloInfo info(GenericKubernetesResource r, List<Sample> recorded, List<Sample> alerts) {
    String name = r.getMetadata().getName();
    JsonNode spec = Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().getOrDefault("spec", Map.of()));
    JsonNode status = Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().getOrDefault("status", Map.of()));
    double goal = parse(spec.at("/slo/goal").asText(""));
    double budget = 1 - goal / 100;
    Map<String, Double> burnRates = new TreeMap<>(Comparator.comparing(SloService::seconds));
    double budgetRemaining = Double.NaN;
    double periodRatio = Double.NaN;
    double recordedSince = Double.NaN;
    for (Sample s : recorded) {
      if (!name.equals(s.label("slo")) || !r.getMetadata().getNamespace().equals(s.label("namespace"))) {
        continue;
      }
      String metric = s.label("__name__");
      if (metric.isEmpty()) {
        recordedSince = s.value(); // the coverage query's result has no metric name
      } else if (metric.startsWith(SloRuleNames.ERROR_RATIO)) {
        burnRates.put(metric.substring(SloRuleNames.ERROR_RATIO.length()), s.value() / budget);
      } else if (metric.equals(SloRuleNames.PERIOD_ERROR_RATIO)) {
        periodRatio = s.value();
      } else if (metric.equals(SloRuleNames.BUDGET_REMAINING)) {
        budgetRemaining = s.value();
      }
    }
    Map<String, String> states = new LinkedHashMap<>();
    Map<String, String> severities = new LinkedHashMap<>();
    for (Sample a : alerts) {
      if (name.equals(a.label("slo")) && r.getMetadata().getNamespace().equals(a.label("namespace"))) {
        // firing wins over pending when both are reported
        states.merge(a.label("policy"), a.label("alertstate"), (x, y) -> x.equals("firing") ? x : y);
        severities.put(a.label("policy"), a.label("severity"));
      }
    }
    List<SloInfo.Alert> active = new ArrayList<>();
    for (JsonNode p : status.path("alertingPolicies")) {
      String policy = p.isTextual() ? p.asText() : p.path("name").asText();
      active.add(new SloInfo.Alert(policy, p.path("severity").asText(severities.getOrDefault(policy, "")),
          states.getOrDefault(policy, "inactive"), parse(p.path("threshold").asText("")), p.path("lookBackWindow").asText(""),
          p.path("secondaryWindow").asText(""), p.path("conditionMetDuration").asText("")));
    }
    states.forEach((policy, state) -> {
      if (active.stream().noneMatch(a -> a.policy().equals(policy))) {
        active.add(new SloInfo.Alert(policy, severities.get(policy), state));
      }
    });
    active.sort(Comparator.comparing(SloInfo.Alert::policy));
    Map<String, String> params = new LinkedHashMap<>();
    spec.at("/sli/parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    String period = spec.at("/slo/rolling/length").isTextual() ? spec.at("/slo/rolling/length").asText()
        : spec.at("/slo/calendar/length").asText("");
    double periodSeconds = periodSeconds(spec);
    double dataSeconds = Double.isNaN(recordedSince) ? Double.NaN
        : Math.min(periodSeconds, Math.max(0, Instant.now().getEpochSecond() - recordedSince));
    return new SloInfo(name, r.getMetadata().getNamespace(), spec.at("/selector/name").asText(""),
        spec.at("/selector/namespace").asText(r.getMetadata().getNamespace()), spec.at("/sli/templateRef/name").asText(""),
        spec.at("/sli/templateRef/namespace").asText(""), params, goal, period, spec.path("description").asText(""),
        status.path("status").asText("Pending"), status.path("error").asText(null), burnRates, current(burnRates),
        Double.isNaN(budgetRemaining) ? Double.NaN : 1 - budgetRemaining, Double.isNaN(periodRatio) ? Double.NaN : 1 - periodRatio,
        active, periodSeconds, dataSeconds);
  }

  private static double periodSeconds(JsonNode spec) {
    try {
      return (spec.at("/slo/rolling/length").isTextual() ? Durations.parse(spec.at("/slo/rolling/length").asText())
          : SloPeriods.calendar(spec.at("/slo/calendar/length").asText(""))).toSeconds();
    } catch (IllegalArgumentException e) {
      return Double.NaN;
    }
  }

  /** The burn rate of the 1h window when recorded (the usual "current"), else of the shortest. */
  private static double current(Map<String, Double> burnRates) {
    if (burnRates.containsKey("1h")) {
      return burnRates.get("1h");
    }
    return burnRates.isEmpty() ? Double.NaN : burnRates.values().iterator().next();
  }

  private static long seconds(String window) {
    return Durations.parse(window).toSeconds();
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** What a user asks for when creating an SLO from a template. */
  /**
   * @param windowType rolling (period is a duration such as 30d) or calendar (period is month, week or day)
   */
  public record NewSlo(String namespace, String name, String service, String template, String templateNamespace,
      Map<String, String> parameters, String goal, String windowType, String period, String description) {}

  /**
   * Writes a ServiceLevelObjective for the service; refuses (IllegalArgumentException naming the
   * field) a name taken, a template that does not exist, parameters it does not declare, a goal
   * outside (0, 100) or a period that is not a duration. Nothing is written when refused.
   */
  public SloInfo create(NewSlo n) {
    if (n.name() == null || !n.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || n.name().length() > 63) {
      throw new IllegalArgumentException("name must be a DNS label (lower case letters, digits, '-'), not \"" + n.name() + "\"");
    }
    double goal = parse(n.goal());
    if (!(goal > 0 && goal < 100)) {
      throw new IllegalArgumentException("goal must be a percentage above 0 and below 100, not \"" + n.goal() + "\"");
    }
    boolean calendar = "calendar".equals(n.windowType());
    if (!calendar && !"rolling".equals(n.windowType())) {
      throw new IllegalArgumentException("window type must be rolling or calendar, not \"" + n.windowType() + "\"");
    }
    if (calendar) {
      try {
        SloPeriods.calendar(n.period());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a calendar window is a month, week or day, not \"" + n.period() + "\"");
      }
    }
    if (!calendar && (n.period() == null || !Durations.isDuration(n.period()))) {
      throw new IllegalArgumentException("period must be a duration such as 30d, 7d or 24h, not \"" + n.period() + "\"");
    }
    GenericKubernetesResource template = client.genericKubernetesResources(SmmCrds.SLI_TEMPLATE.apiVersion(), SmmCrds.SLI_TEMPLATE.kind())
        .inNamespace(n.templateNamespace()).withName(n.template()).get();
    if (template == null) {
      throw new IllegalArgumentException("there is no ServiceLevelIndicatorTemplate " + n.templateNamespace() + "/" + n.template());
    }
    JsonNode declared = Serialization.jsonMapper().valueToTree(template.getAdditionalProperties().getOrDefault("spec", Map.of()))
        .path("parameters");
    for (String p : n.parameters().keySet()) {
      boolean known = false;
      for (JsonNode d : declared) {
        known |= d.path("name").asText().equals(p);
      }
      if (!known) {
        throw new IllegalArgumentException("template " + n.template() + " has no parameter \"" + p + "\"");
      }
    }
    var slos = client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(), SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .inNamespace(n.namespace());
    if (slos.withName(n.name()).get() != null) {
      throw new IllegalArgumentException("an SLO named " + n.name() + " already exists in " + n.namespace());
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("description", n.description() == null ? "" : n.description());
    spec.put("selector", Map.of("name", n.service(), "namespace", n.namespace()));
    spec.put("sli", Map.of("templateRef", Map.of("name", n.template(), "namespace", n.templateNamespace()), "parameters", n.parameters()));
    spec.put("slo", Map.of("goal", n.goal().trim(), calendar ? "calendar" : "rolling", Map.of("length", n.period())));
    GenericKubernetesResource created = slos.resource(new GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion()).withKind(SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .withNewMetadata().withName(n.name()).withNamespace(n.namespace()).endMetadata().addToAdditionalProperties("spec", spec).build())
        .create();
    return info(created, List.of(), List.of());
  }

  /** A burn-rate alerting policy for an SLO (seed 2.8.1.2). */
  public record NewPolicy(String namespace, String name, String slo, String severity, String threshold, String lookBackWindow,
      String secondaryWindow, String conditionMetDuration) {}

  /**
   * Writes an AlertingPolicy for an existing SLO; refuses (naming the field, writing nothing) an
   * unknown SLO, a taken name, a severity other than page/ticket, a threshold that is not a
   * positive number, windows that are not durations or a control window not shorter than the
   * look-back window. The SRE controller picks it up at once and replaces the default policies.
   */
  public SloInfo.Alert createPolicy(NewPolicy p) {
    if (p.name() == null || !p.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("name must be a DNS label, not \"" + p.name() + "\"");
    }
    if (!"page".equals(p.severity()) && !"ticket".equals(p.severity())) {
      throw new IllegalArgumentException("severity must be page or ticket, not \"" + p.severity() + "\"");
    }
    if (!(parse(p.threshold()) > 0)) {
      throw new IllegalArgumentException("threshold must be a positive burn rate such as 14.4, not \"" + p.threshold() + "\"");
    }
    for (String[] w : new String[][] {{"lookBackWindow", p.lookBackWindow()}, {"secondaryWindow", p.secondaryWindow()},
        {"conditionMetDuration", p.conditionMetDuration()}}) {
      if (w[1] != null && !w[1].isEmpty() && !Durations.isDuration(w[1])) {
        throw new IllegalArgumentException(w[0] + " must be a duration such as 5m or 1h, not \"" + w[1] + "\"");
      }
    }
    if (p.lookBackWindow() == null || p.lookBackWindow().isEmpty()) {
      throw new IllegalArgumentException("lookBackWindow is required");
    }
    if (p.secondaryWindow() != null && !p.secondaryWindow().isEmpty()
        && seconds(p.secondaryWindow()) >= seconds(p.lookBackWindow())) {
      throw new IllegalArgumentException("secondaryWindow must be shorter than lookBackWindow");
    }
    if (client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(), SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .inNamespace(p.namespace()).withName(p.slo()).get() == null) {
      throw new IllegalArgumentException("there is no SLO " + p.namespace() + "/" + p.slo());
    }
    var policies = client.genericKubernetesResources(SmmCrds.ALERTING_POLICY.apiVersion(), SmmCrds.ALERTING_POLICY.kind())
        .inNamespace(p.namespace());
    if (policies.withName(p.name()).get() != null) {
      throw new IllegalArgumentException("an alerting policy named " + p.name() + " already exists in " + p.namespace());
    }
    Map<String, Object> burnrate = new LinkedHashMap<>();
    burnrate.put("threshold", p.threshold().trim());
    burnrate.put("lookBackWindow", p.lookBackWindow());
    if (p.secondaryWindow() != null && !p.secondaryWindow().isEmpty()) {
      burnrate.put("secondaryWindow", p.secondaryWindow());
    }
    burnrate.put("conditionMetDuration", p.conditionMetDuration() == null || p.conditionMetDuration().isEmpty() ? "0s"
        : p.conditionMetDuration());
    policies.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.ALERTING_POLICY.apiVersion())
        .withKind(SmmCrds.ALERTING_POLICY.kind()).withNewMetadata().withName(p.name()).withNamespace(p.namespace()).endMetadata()
        .addToAdditionalProperties("spec", Map.of("sloRef", Map.of("name", p.slo(), "namespace", p.namespace()), "severity", p.severity(),
            "burnrate", burnrate)).build()).create();
    return new SloInfo.Alert(p.name(), p.severity(), "inactive", parse(p.threshold()), p.lookBackWindow(),
        (String) burnrate.getOrDefault("secondaryWindow", ""), (String) burnrate.get("conditionMetDuration"));
  }

  /** Deletes an alerting policy; false when there was none. */
  public boolean deletePolicy(String namespace, String name) {
    return !client.genericKubernetesResources(SmmCrds.ALERTING_POLICY.apiVersion(), SmmCrds.ALERTING_POLICY.kind())
        .inNamespace(namespace).withName(name).delete().isEmpty();
  }

  /** Deletes an SLO (its PrometheusRule goes with it, being owned by it); false when there was none. */
  public boolean delete(String namespace, String name) {
    return !client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(), SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .inNamespace(namespace).withName(name).delete().isEmpty();
  }

  /** A ServiceLevelIndicatorTemplate: what an SLO can measure, and the parameters it takes. */
  public record SliTemplate(String name, String namespace, String kind, String description, List<SliParameter> parameters) {}

  /** {@code default} is null when the template gives none. */
  public record SliParameter(String name, String defaultValue, String description, boolean advanced) {}

  /** The ServiceLevelIndicatorTemplates of the cluster, by name. */
  public List<SliTemplate> templates() {
    List<SliTemplate> out = new ArrayList<>();
    try {
      for (GenericKubernetesResource t : client.genericKubernetesResources(SmmCrds.SLI_TEMPLATE.apiVersion(), SmmCrds.SLI_TEMPLATE.kind())
          .inAnyNamespace().list().getItems()) {
        JsonNode spec = Serialization.jsonMapper().valueToTree(t.getAdditionalProperties().getOrDefault("spec", Map.of()));
        List<SliParameter> params = new ArrayList<>();
        for (JsonNode p : spec.path("parameters")) {
          params.add(new SliParameter(p.path("name").asText(), p.hasNonNull("default") ? p.path("default").asText() : null,
              p.path("description").asText(""), p.path("advanced").asBoolean(false)));
        }
        out.add(new SliTemplate(t.getMetadata().getName(), t.getMetadata().getNamespace(), spec.path("kind").asText(""),
            spec.path("description").asText(""), params));
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    out.sort(Comparator.comparing(SliTemplate::name));
    return out;
  }
}
