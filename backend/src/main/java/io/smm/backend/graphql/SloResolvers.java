package io.smm.backend.graphql;

import io.smm.backend.slo.SloInfo;
import io.smm.backend.slo.SloService;
import java.util.Map;

/** SLOs shaped for GraphQL: records into maps, NaN into null, windows and points into lists. */
final class SloResolvers {

  private SloResolvers() {}

  static Map<String, Object> slo(SloInfo s) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("name", s.name());
    m.put("namespace", s.namespace());
    m.put("service", s.service());
    m.put("template", s.template());
    m.put("templateNamespace", s.templateNamespace());
    m.put("parameters", s.parameters().entrySet().stream().map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList());
    m.put("goal", MeshResolvers.finite(s.goalPercent()));
    m.put("period", s.period());
    m.put("description", s.description());
    m.put("status", s.status());
    m.put("error", s.error());
    m.put("burnRates", s.burnRates().entrySet().stream().map(e -> {
      Map<String, Object> b = new java.util.LinkedHashMap<>();
      b.put("window", e.getKey());
      b.put("rate", MeshResolvers.finite(e.getValue()));
      return b;
    }).toList());
    m.put("currentBurnRate", MeshResolvers.finite(s.currentBurnRate()));
    m.put("budgetConsumed", MeshResolvers.finite(s.budgetConsumed()));
    m.put("compliance", MeshResolvers.finite(s.compliance()));
    m.put("periodSeconds", MeshResolvers.finite(s.periodSeconds()));
    m.put("dataSeconds", MeshResolvers.finite(s.dataSeconds()));
    m.put("alerts", s.alerts().stream().map(SloResolvers::alert).toList());
    return m;
  }

  static Map<String, Object> alert(SloInfo.Alert a) {
    Map<String, Object> x = new java.util.LinkedHashMap<>();
    x.put("policy", a.policy());
    x.put("severity", a.severity());
    x.put("state", a.state());
    x.put("threshold", MeshResolvers.finite(a.threshold()));
    x.put("lookBackWindow", a.lookBackWindow());
    x.put("secondaryWindow", a.secondaryWindow());
    x.put("conditionMetDuration", a.conditionMetDuration());
    return x;
  }

  private static Map<String, Object> timeValue(SloService.Point p) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("time", java.time.Instant.ofEpochSecond(p.epochSecond()).toString());
    m.put("value", MeshResolvers.finite(p.value()));
    return m;
  }


  static Map<String, Object> series(SloService.Series s) {
    return Map.of(
        "burnRates", s.burnRates().entrySet().stream().map(e -> Map.of("window", e.getKey(), "points",
            e.getValue().stream().map(SloResolvers::timeValue).toList())).toList(),
        "budgetRemaining", s.budgetRemaining().stream().map(SloResolvers::timeValue).toList());
  }
}
