package io.smm.backend.graphql;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.language.OperationDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.backend.auth.AuthFailure;
import io.smm.backend.auth.NamespaceForbiddenException;
import io.smm.backend.istio.ResourceConflictException;
import io.smm.backend.prometheus.PrometheusException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns resolver failures into messages a user can act on ("Kubernetes API: connection refused")
 * instead of graphql-java's "Exception while fetching data (/x) : java.util.concurrent...".
 */
final class ClearErrors implements DataFetcherExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ClearErrors.class);

  @Override
  public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(DataFetcherExceptionHandlerParameters params) {
    Throwable e = params.getException();
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    String message;
    Map<String, Object> extensions = Map.of();
    if (e instanceof IllegalArgumentException) {
      message = e.getMessage();
      extensions = Map.of("code", "BAD_USER_INPUT");
    } else if (e instanceof ResourceConflictException) {
      message = e.getMessage();
      extensions = Map.of("code", "CONFLICT");
    } else if (e instanceof AuthFailure a) {
      message = a.getMessage();
      extensions = Map.of("code", "UNAUTHENTICATED", "reason", a.reason().name());
    } else if (e instanceof NamespaceForbiddenException) {
      message = "forbidden: " + e.getMessage();
      extensions = Map.of("code", "FORBIDDEN");
    } else if (e instanceof KubernetesClientException k && k.getCode() == 403) {
      boolean mutation = params.getDataFetchingEnvironment() != null && params.getDataFetchingEnvironment().getOperationDefinition() != null
          && params.getDataFetchingEnvironment().getOperationDefinition().getOperation() == OperationDefinition.Operation.MUTATION;
      message = "forbidden: " + firstLine(k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
          : rootMessage(k)) + (mutation ? " (nothing was written)" : "");
      extensions = Map.of("code", "FORBIDDEN");
    } else if (e instanceof PrometheusException p) {
      message = firstLine(p.getMessage());
      extensions = Map.of("code", "PROMETHEUS_" + p.kind().name());
    } else if (e instanceof KubernetesClientException k) {
      message = "Kubernetes API: " + firstLine(k.getCode() > 0 && k.getStatus() != null && k.getStatus().getMessage() != null
          ? k.getStatus().getMessage() : rootMessage(k));
    } else {
      LOG.warn("resolver {} failed", params.getPath(), e);
      message = "internal error: " + firstLine(rootMessage(e));
    }
    return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult()
        .error(GraphqlErrorBuilder.newError().message(message).path(params.getPath())
            .location(params.getSourceLocation()).extensions(extensions).build())
        .build());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String root = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return t == e ? root : firstLine(e.getMessage()) + " (" + root + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
