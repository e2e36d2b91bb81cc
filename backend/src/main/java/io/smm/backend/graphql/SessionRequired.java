package io.smm.backend.graphql;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLObjectType;

/**
 * No top-level field answers without a caller: the HTTP and WebSocket layers refuse requests
 * without a session before GraphQL runs, and this check makes every query, mutation and
 * subscription field (including ones added later) refuse too, whatever path reached it. A
 * top-level field's fetcher also runs within the request's {@link io.smm.backend.prometheus.QueryScope},
 * so the Prometheus queries it issues on its own thread are the caller's.
 */
final class SessionRequired extends SimplePerformantInstrumentation {

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    if (!(parameters.getExecutionStepInfo().getParent().getType() instanceof GraphQLObjectType parent)
        || !isRoot(parameters, parent)) {
      return dataFetcher;
    }
    return env -> {
      Callers.of(env);
      return Callers.scope(env).call(() -> dataFetcher.get(env));
    };
  }

  private static boolean isRoot(InstrumentationFieldFetchParameters parameters, GraphQLObjectType parent) {
    var schema = parameters.getExecutionContext().getGraphQLSchema();
    return parent == schema.getQueryType() || parent == schema.getMutationType() || parent == schema.getSubscriptionType();
  }
}
