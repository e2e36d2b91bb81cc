package io.smm.backend.topology;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Single-flight with a short memory, as Kiali's graph cache: identical requests made while one is
 * being answered share that evaluation, and for {@code ttlNanos} afterwards get its answer,
 * instead of each asking Prometheus again (fifty open dashboards refreshing LIVE cost one
 * evaluation per interval). A failed evaluation is not kept. At most {@code maxEntries} answers
 * are held, the oldest dropped first.
 */
final class SharedEvaluations<K, V> {

  private record Entry<V>(CompletableFuture<V> answer, long startedNanos) {}

  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier clock;
  private final Map<K, Entry<V>> entries = new LinkedHashMap<>();

  SharedEvaluations(long ttlNanos, int maxEntries, LongSupplier clock) {
    this.ttlNanos = ttlNanos;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  CompletableFuture<V> get(K key, Supplier<CompletableFuture<V>> evaluate) {
    long now = clock.getAsLong();
    CompletableFuture<V> started;
    synchronized (entries) {
      expire(now);
      Entry<V> e = entries.get(key);
      if (e != null && !e.answer().isCompletedExceptionally()) {
        return e.answer();
      }
      started = new CompletableFuture<>();
      entries.put(key, new Entry<>(started, now));
      while (entries.size() > maxEntries) {
        Iterator<K> oldest = entries.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    // Evaluated outside the lock: other keys are not held up meanwhile.
    CompletableFuture<V> answer;
    try {
      answer = evaluate.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((v, error) -> {
      if (error != null) {
        synchronized (entries) {
          entries.computeIfPresent(key, (k, e) -> e.answer() == started ? null : e);
        }
        started.completeExceptionally(error);
      } else {
        started.complete(v);
      }
    });
    return started;
  }

  private void expire(long now) {
    entries.values().removeIf(e -> e.answer().isDone() && now - e.startedNanos() > ttlNanos);
  }

  /** Answers held (tests). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
