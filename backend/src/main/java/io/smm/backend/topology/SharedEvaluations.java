package io.smm.backend.topology;

import io.smm.backend.prometheus.QueryScope;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Single-flight with a short memory, as Kiali's graph cache: identical requests made while one is
 * being answered share that evaluation, and for {@code ttlNanos} after it started get its answer,
 * instead of each asking Prometheus again (fifty open dashboards refreshing LIVE cost one
 * evaluation per interval). An evaluation runs in a query scope of its own, owned by its first
 * asker for the fair share, and is cancelled when every asker waiting for it has gone. A failed or
 * cancelled evaluation is not kept. At most {@code maxEntries} answers are held, oldest dropped first.
 */
final class SharedEvaluations<K, V> {

  private static final class Entry<V> {
    final CompletableFuture<V> answer = new CompletableFuture<>();
    final long startedNanos;
    final QueryScope scope;
    int waiting;

    Entry(long startedNanos, QueryScope scope) {
      this.startedNanos = startedNanos;
      this.scope = scope;
    }
  }

  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier clock;
  private final Map<K, Entry<V>> entries = new LinkedHashMap<>();

  SharedEvaluations(long ttlNanos, int maxEntries, LongSupplier clock) {
    this.ttlNanos = ttlNanos;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** @param evaluate runs in the given scope (the evaluation's own) and starts the evaluation */
  CompletableFuture<V> get(K key, QueryScope asker, Function<QueryScope, CompletableFuture<V>> evaluate) {
    long now = clock.getAsLong();
    Entry<V> entry;
    boolean first = false;
    synchronized (entries) {
      expire(now);
      entry = entries.get(key);
      if (entry == null || entry.answer.isCompletedExceptionally()) {
        entry = new Entry<>(now, new QueryScope(asker.owner()));
        entries.put(key, entry);
        first = true;
        while (entries.size() > maxEntries) {
          Iterator<K> oldest = entries.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
      }
      if (!entry.answer.isDone()) {
        entry.waiting++;
      }
    }
    Entry<V> joined = entry;
    asker.onCancel(() -> leave(key, joined));
    if (first) {
      // Evaluated outside the lock: other keys are not held up meanwhile.
      CompletableFuture<V> answer;
      try {
        answer = joined.scope.run(() -> evaluate.apply(joined.scope));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((v, error) -> {
        if (error != null) {
          forget(key, joined);
          joined.answer.completeExceptionally(error);
        } else {
          joined.answer.complete(v);
        }
      });
    }
    return joined.answer;
  }

  /** An asker went away; when it was the last one waiting, nobody needs the evaluation any more. */
  private void leave(K key, Entry<V> entry) {
    boolean abandoned;
    synchronized (entries) {
      abandoned = !entry.answer.isDone() && --entry.waiting == 0;
    }
    if (abandoned) {
      forget(key, entry);
      entry.scope.cancel();
    }
  }

  private void forget(K key, Entry<V> entry) {
    synchronized (entries) {
      entries.remove(key, entry);
    }
  }

  private void expire(long now) {
    entries.values().removeIf(e -> e.answer.isDone() && now - e.startedNanos > ttlNanos);
  }

  /** Answers held (tests). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
