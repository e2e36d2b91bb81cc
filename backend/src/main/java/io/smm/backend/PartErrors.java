package io.smm.backend;

import io.smm.backend.prometheus.PrometheusException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The parts of an answer that could not be read ("latency: Prometheus at ... is not reachable"),
 * collected from concurrently running queries, so the rest can still be returned with them.
 */
public final class PartErrors {

  private final List<String> errors = new ArrayList<>();
  private PrometheusException.Kind kind;

  public synchronized void add(String part, Throwable failure) {
    errors.add(part + ": " + messageOf(failure));
    if (kind == null) {
      kind = prometheusKind(failure);
    }
  }

  /** Whether the named part failed. */
  public synchronized boolean failed(String part) {
    return errors.stream().anyMatch(e -> e.startsWith(part + ": "));
  }

  public synchronized List<String> list() {
    return List.copyOf(errors);
  }

  /** Why Prometheus failed the first part it failed, if it was Prometheus (null otherwise, or when nothing failed). */
  public synchronized PrometheusException.Kind prometheusKind() {
    return kind;
  }

  /** The message of what failed, not of the CompletionException/ExecutionException an async pipeline wrapped it in. */
  public static String messageOf(Throwable failure) {
    Throwable t = unwrap(failure);
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static PrometheusException.Kind prometheusKind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PrometheusException p) {
        return p.kind();
      }
    }
    return null;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
