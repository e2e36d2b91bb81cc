package io.smm.operator.slo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.ResourceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SRE controller's reconcile of one ServiceLevelObjective: its template and alerting policies
 * (the SRE Workbook defaults when it has none) become one PrometheusRule owned by the SLO. An SLO
 * that cannot be rendered — missing template, unknown or missing parameter, bad goal, window or
 * template syntax — gets status Failed with the reason, and its previous PrometheusRule stays as
 * it was: nothing is half-generated.
 */
public final class SloReconciler {

  private final KubernetesClient client;

  public SloReconciler(KubernetesClient client) {
    this.client = client;
  }

  /** What a reconcile concluded, as written to the SLO's status. */
  public record Outcome(boolean succeeded, String error, int rules, List<AlertPolicy> policies) {

    public List<String> policyNames() {
      return policies.stream().map(AlertPolicy::name).toList();
    }
  }

  public Outcome reconcile(String namespace, String name) {
    var slos = client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(), SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .inNamespace(namespace);
    GenericKubernetesResource resource = slos.withName(name).get();
    if (resource == null) {
      return new Outcome(false, "ServiceLevelObjective " + namespace + "/" + name + " not found", 0, List.of());
    }
    Outcome outcome;
    try {
      Slo slo = slo(resource);
      SliTemplate template = template(slo.templateNamespace(), slo.templateName());
      List<AlertPolicy> policies = policies(namespace, name);
      List<AlertPolicy> effective = policies.isEmpty() ? AlertPolicy.defaults(slo.period()) : policies;
      BurnRateRules.RuleGroup group = BurnRateRules.rules(slo, template, effective);
      writeRule(resource, BurnRateRules.prometheusRule(slo, group));
      outcome = new Outcome(true, null, group.rules().size(), effective);
    } catch (SloException e) {
      outcome = new Outcome(false, e.getMessage(), 0, List.of());
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("status", outcome.succeeded() ? "Succeeded" : "Failed");
    if (outcome.error() != null) {
      status.put("error", outcome.error());
    }
    status.put("rules", outcome.rules());
    // The effective policies with their parameters (the defaults when the SLO has none), for the dashboard's strategy chart.
    status.put("alertingPolicies", outcome.policies().stream().map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("severity", p.severity());
      m.put("threshold", BurnRateRules.number(p.threshold()));
      m.put("lookBackWindow", PrometheusDurations.format(p.lookBackWindow()));
      if (p.secondaryWindow() != null) {
        m.put("secondaryWindow", PrometheusDurations.format(p.secondaryWindow()));
      }
      m.put("conditionMetDuration", PrometheusDurations.format(p.conditionMetDuration()));
      return m;
    }).toList());
    status.put("observedGeneration", resource.getMetadata().getGeneration());
    ResourceStatus.writeIfChanged(resource, status, r -> slos.resource(r).updateStatus());
    return outcome;
  }

  /** The ServiceLevelObjective's spec as a model; what is missing or malformed is named. */
  static Slo slo(GenericKubernetesResource r) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().getOrDefault("spec", Map.of()));
    String service = required(spec, "/selector/name", "spec.selector.name");
    String serviceNamespace = spec.at("/selector/namespace").asText(r.getMetadata().getNamespace());
    String templateName = required(spec, "/sli/templateRef/name", "spec.sli.templateRef.name");
    String templateNamespace = spec.at("/sli/templateRef/namespace").asText(r.getMetadata().getNamespace());
    Map<String, String> params = new LinkedHashMap<>();
    spec.at("/sli/parameters").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    String goalText = required(spec, "/slo/goal", "spec.slo.goal");
    double goal;
    try {
      goal = Double.parseDouble(goalText);
    } catch (NumberFormatException e) {
      throw new SloException("spec.slo.goal must be a percentage such as \"99.9\", not \"" + goalText + "\"");
    }
    Duration period;
    if (spec.at("/slo/rolling/length").isTextual()) {
      period = PrometheusDurations.parse(spec.at("/slo/rolling/length").asText());
    } else if (spec.at("/slo/calendar/length").isTextual()) {
      period = Slo.calendar(spec.at("/slo/calendar/length").asText());
    } else {
      throw new SloException("spec.slo needs rolling.length or calendar.length");
    }
    return new Slo(r.getMetadata().getName(), r.getMetadata().getNamespace(), service, serviceNamespace, templateName, templateNamespace,
        params, goal, period, spec.path("description").asText(""));
  }

  SliTemplate template(String namespace, String name) {
    GenericKubernetesResource t = client.genericKubernetesResources(SmmCrds.SLI_TEMPLATE.apiVersion(), SmmCrds.SLI_TEMPLATE.kind())
        .inNamespace(namespace).withName(name).get();
    if (t == null) {
      throw new SloException("ServiceLevelIndicatorTemplate " + namespace + "/" + name + " not found");
    }
    JsonNode spec = Serialization.jsonMapper().valueToTree(t.getAdditionalProperties().getOrDefault("spec", Map.of()));
    List<SliTemplate.Parameter> params = new ArrayList<>();
    for (JsonNode p : spec.path("parameters")) {
      params.add(new SliTemplate.Parameter(p.path("name").asText(), p.hasNonNull("default") ? p.path("default").asText() : null,
          p.path("description").asText(""), p.path("advanced").asBoolean(false)));
    }
    return new SliTemplate(name, namespace, spec.path("kind").asText("availability"), spec.path("description").asText(""),
        spec.path("goodEvents").asText(null), spec.path("totalEvents").asText(null), params);
  }

  /** The AlertingPolicies of the namespace that point at this SLO, sorted by name. */
  List<AlertPolicy> policies(String namespace, String slo) {
    List<AlertPolicy> out = new ArrayList<>();
    for (GenericKubernetesResource p : client.genericKubernetesResources(SmmCrds.ALERTING_POLICY.apiVersion(),
        SmmCrds.ALERTING_POLICY.kind()).inNamespace(namespace).list().getItems()) {
      JsonNode spec = Serialization.jsonMapper().valueToTree(p.getAdditionalProperties().getOrDefault("spec", Map.of()));
      if (!slo.equals(spec.at("/sloRef/name").asText()) || !spec.at("/sloRef/namespace").asText(namespace).equals(namespace)) {
        continue;
      }
      String name = p.getMetadata().getName();
      String threshold = required(spec, "/burnrate/threshold", "AlertingPolicy " + name + " spec.burnrate.threshold");
      double burn;
      try {
        burn = Double.parseDouble(threshold);
      } catch (NumberFormatException e) {
        throw new SloException("AlertingPolicy " + name + " spec.burnrate.threshold is not a number: \"" + threshold + "\"");
      }
      out.add(new AlertPolicy(name, spec.path("severity").asText("page"), burn,
          PrometheusDurations.parse(required(spec, "/burnrate/lookBackWindow", "AlertingPolicy " + name + " spec.burnrate.lookBackWindow")),
          spec.at("/burnrate/secondaryWindow").isTextual() ? PrometheusDurations.parse(spec.at("/burnrate/secondaryWindow").asText()) : null,
          spec.at("/burnrate/conditionMetDuration").isTextual() ? PrometheusDurations.parse(spec.at("/burnrate/conditionMetDuration").asText())
              : Duration.ZERO));
    }
    out.sort(Comparator.comparing(AlertPolicy::name));
    return out;
  }

  private void writeRule(GenericKubernetesResource slo, Map<String, Object> rule) {
    GenericKubernetesResource desired = Serialization.jsonMapper().convertValue(rule, GenericKubernetesResource.class);
    desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion())
        .withKind(SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind()).withName(slo.getMetadata().getName()).withUid(slo.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build()));
    var rules = client.genericKubernetesResources(IstioCrds.PROMETHEUS_RULE.apiVersion(), IstioCrds.PROMETHEUS_RULE.kind())
        .inNamespace(slo.getMetadata().getNamespace());
    GenericKubernetesResource existing = rules.withName(desired.getMetadata().getName()).get();
    if (existing == null) {
      rules.resource(desired).create();
    } else if (!desired.getAdditionalProperties().get("spec").equals(existing.getAdditionalProperties().get("spec"))) {
      existing.getAdditionalProperties().put("spec", desired.getAdditionalProperties().get("spec"));
      rules.resource(existing).update();
    }
  }

  private static String required(JsonNode spec, String pointer, String field) {
    JsonNode v = spec.at(pointer);
    if (!v.isValueNode() || v.asText().isBlank()) {
      throw new SloException(field + " is required");
    }
    return v.asText();
  }
}
