package io.smm.backend.prometheus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final Set<CompletableFuture<?>> answers = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
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
    QueryScope previous = enter();
    try {
      return work.get();
    } finally {
      leave(previous);
    }
  }

  /** As {@link #run}, for work that may throw what it throws (a GraphQL data fetcher). */
  public <T> T call(Callable<T> work) throws Exception {
    QueryScope previous = enter();
    try {
      return work.call();
    } finally {
      leave(previous);
    }
  }

  private QueryScope enter() {
    QueryScope previous = CURRENT.get();
    CURRENT.set(this);
    return previous;
  }

  private static void leave(QueryScope previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
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
    // The answers first, with a reason a user can read; then the HTTP exchanges are aborted.
    answers.forEach(f -> f.completeExceptionally(cancelledFailure(this)));
    running.forEach(f -> f.cancel(true));
    onCancel.forEach(Runnable::run);
    onCancel.clear();
  }

  /** Runs {@code action} when this scope is cancelled (at once if it is already); never for {@link #BACKGROUND}. */
  public void onCancel(Runnable action) {
    if (this == BACKGROUND) {
      return;
    }
    onCancel.add(action);
    if (cancelled && onCancel.remove(action)) {
      action.run();
    }
  }

  /** Tracks a query's answer, failed with the reason when this scope is cancelled. */
  void trackAnswer(CompletableFuture<?> answer) {
    track(answers, answer);
    if (cancelled) {
      answer.completeExceptionally(cancelledFailure(this));
    }
  }

  /** Tracks a running HTTP exchange so that {@link #cancel} can abort it; aborts it at once when already cancelled. */
  void track(CompletableFuture<?> exchange) {
    track(running, exchange);
    if (cancelled) {
      exchange.cancel(true);
    }
  }

  private static void track(Set<CompletableFuture<?>> set, CompletableFuture<?> f) {
    set.add(f);
    f.whenComplete((r, e) -> set.remove(f));
  }

  static CancellationException cancelledFailure(QueryScope scope) {
    return new CancellationException("nobody waits for the answer any more (the client of " + scope.owner + " went away)");
  }
}
