package io.smm.backend.prometheus;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whose Prometheus queries these are, and whether anyone still waits for them: one per API
 * request. {@link PrometheusClient} shares its query slots fairly between owners (a user with a
 * hundred queries waiting does not delay another's few), and when the request's client goes
 * away, {@link #cancel} drops its waiting queries and aborts the running ones (Prometheus stops
 * evaluating a query whose connection closed). Work attaches to a scope through {@link #run}, on
 * the thread that issues the queries.
 */
public final class QueryScope {

  /** Queries issued outside any request (background refreshes) share one owner. */
  public static final QueryScope BACKGROUND = new QueryScope("(background)");

  private static final ThreadLocal<QueryScope> CURRENT = new ThreadLocal<>();

  private final String owner;
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  public QueryScope(String owner) {
    this.owner = owner;
  }

  /** The scope of the work on this thread; {@link #BACKGROUND} outside any. */
  public static QueryScope current() {
    QueryScope s = CURRENT.get();
    return s == null ? BACKGROUND : s;
  }

  /** Runs {@code work} with this scope current on this thread: the queries it issues are this scope's. */
  public <T> T run(Supplier<T> work) {
    QueryScope previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return work.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  public String owner() {
    return owner;
  }

  public boolean cancelled() {
    return cancelled;
  }

  /** Nobody waits for the answers any more: aborts what runs; what waits is dropped by the client. */
  public void cancel() {
    cancelled = true;
    running.forEach(f -> f.cancel(true));
  }

  /** Tracks a running query so that {@link #cancel} can abort it; aborts it at once when already cancelled. */
  void track(CompletableFuture<?> query) {
    running.add(query);
    query.whenComplete((r, e) -> running.remove(query));
    if (cancelled) {
      query.cancel(true);
    }
  }

  static CancellationException cancelledFailure(QueryScope scope) {
    return new CancellationException("the request of " + scope.owner + " was abandoned by its client");
  }
}
