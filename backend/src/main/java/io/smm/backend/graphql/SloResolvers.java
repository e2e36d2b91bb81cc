package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.cluster.Label;
import io.smm.backend.slo.SloInfo;
import io.smm.backend.slo.SloService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** SLOs, SLI templates, alerting policies: the Services page's reliability tab and `smm` SLO verbs. */
record SloResolvers(CallerServices callers, Executor blocking) {

  record BurnRate(String window, double rate) {}

  record BurnRateSeries(String window, List<SloService.Point> points) {}

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("slos", env -> callers.slos(Callers.of(env)).slos(env.getArgument("namespace"), env.getArgument("service")))
        .dataFetcher("sliTemplates", env -> async(env, c -> callers.slos(c).templates()))
        .dataFetcher("sloSummary", env -> async(env, c -> Callers.within(c, null)).thenCompose(ns -> ns == null
            ? callers.slos(Callers.of(env)).summary() : callers.slos(Callers.of(env)).summary(ns)))
        .dataFetcher("sloSeries", env -> {
          String namespace = env.getArgument("namespace");
          Duration range = Duration.ofSeconds(Arguments.between(env, "rangeSeconds", 60, 30 * 86_400));
          Duration step = Duration.ofSeconds(Arguments.between(env, "stepSeconds", 10, 86_400));
          return Callers.allowed(env, c -> c.require(namespace), blocking)
              .thenCompose(c -> callers.slos(c).series(namespace, env.getArgument("name"), range, step));
        }));
    wiring.type("Slo", t -> t
        .dataFetcher("parameters", FiniteProperties.<SloInfo>derived(s -> Label.of(s.parameters())))
        .dataFetcher("goal", FiniteProperties.<SloInfo>derived(SloInfo::goalPercent))
        .dataFetcher("burnRates", FiniteProperties.<SloInfo>derived(s -> s.burnRates().entrySet().stream()
            .map(e -> new BurnRate(e.getKey(), e.getValue())).toList())));
    wiring.type("SloSeries", t -> t.dataFetcher("burnRates", FiniteProperties.<SloService.Series>derived(s -> s.burnRates().entrySet()
        .stream().map(e -> new BurnRateSeries(e.getKey(), e.getValue())).toList())));
    wiring.type("SliParameter", t -> t.dataFetcher("default", FiniteProperties.<SloService.SliParameter>derived(
        SloService.SliParameter::defaultValue)));
    wiring.type("Mutation", t -> t
        .dataFetcher("createSlo", env -> {
          Map<String, Object> in = env.getArgument("input");
          @SuppressWarnings("unchecked")
          List<Map<String, String>> params = (List<Map<String, String>>) in.getOrDefault("parameters", List.of());
          var request = new SloService.NewSlo((String) in.get("namespace"), (String) in.get("name"),
              (String) in.get("service"), (String) in.get("template"), (String) in.get("templateNamespace"),
              Arguments.labels(params), (String) in.get("goal"), (String) in.get("windowType"), (String) in.get("period"),
              (String) in.get("description"));
          return async(env, c -> callers.slos(c).create(request));
        })
        .dataFetcher("deleteSlo", env -> async(env, c -> callers.slos(c).delete(env.getArgument("namespace"), env.getArgument("name"))))
        .dataFetcher("createAlertingPolicy", env -> {
          Map<String, Object> in = env.getArgument("input");
          var request = new SloService.NewPolicy((String) in.get("namespace"), (String) in.get("name"),
              (String) in.get("slo"), (String) in.get("severity"), (String) in.get("threshold"), (String) in.get("lookBackWindow"),
              (String) in.get("secondaryWindow"), (String) in.get("conditionMetDuration"));
          return async(env, c -> callers.slos(c).createPolicy(request));
        })
        .dataFetcher("deleteAlertingPolicy", env -> async(env, c -> callers.slos(c).deletePolicy(env.getArgument("namespace"),
            env.getArgument("name")))));
  }

  private <T> CompletableFuture<T> async(DataFetchingEnvironment env, Function<Caller, T> call) {
    return Callers.async(env, call, blocking);
  }
}
