package io.smm.backend.graphql;

import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;
import java.util.Map;

/**
 * A cost limit per request, checked before anything runs: every field costs 1, a field that
 * queries Prometheus costs about as many as the queries it sends (a topology sends a dozen). One
 * request of a thousand topology aliases would otherwise send twelve thousand Prometheus queries
 * and starve every other user; it is refused whole, naming its cost and the limit.
 */
final class QueryCost extends MaxQueryComplexityInstrumentation {

  /** The most one request may cost: the dashboard's biggest (the gateways' traffic for 60 gateways) stays well below. */
  static final int LIMIT = 1_000;

  /** Root fields backed by Prometheus, with their cost beyond the fields they return. */
  static final Map<String, Integer> PROMETHEUS_FIELDS = Map.ofEntries(Map.entry("topology", 50), Map.entry("health", 20),
      Map.entry("meshOverview", 20), Map.entry("goldenSignals", 10), Map.entry("controlPlane", 10),
      Map.entry("sidecarEgressRecommendation", 10), Map.entry("controlPlanes", 5), Map.entry("recordingRules", 2), Map.entry("slos", 5),
      Map.entry("sloSummary", 5), Map.entry("sloSeries", 5));

  private static final FieldComplexityCalculator COST = (env, children) ->
      1 + children + (env.getParentType().getName().equals("Query") ? PROMETHEUS_FIELDS.getOrDefault(env.getField().getName(), 0) : 0);

  QueryCost() {
    super(LIMIT, COST);
  }

  @Override
  protected AbortExecutionException mkAbortException(int totalComplexity, int maxComplexity) {
    return new AbortExecutionException("this request would cost " + totalComplexity + " (a field 1, a Prometheus-backed field such as"
        + " topology up to 50 more); the limit is " + maxComplexity + ": ask for fewer fields or aliases per request");
  }
}
