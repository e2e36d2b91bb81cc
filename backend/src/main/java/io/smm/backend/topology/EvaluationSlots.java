package io.smm.backend.topology;

import io.smm.backend.prometheus.QueryScope;
import io.smm.backend.prometheus.TurnQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most a few topology evaluations at once. Each holds a whole graph and Prometheus' answers for
 * it while it runs, so the heap, not the CPU, bounds how many may run: fifty users on fifty views
 * of a 5 000-workload mesh held 7 GiB at once (scripts/bench-topology, heapNeed50ViewsMiB), one
 * evaluation up to about 1 GiB. The others wait their turn (on a busy backend they would mostly
 * wait for CPU anyway): each owner's in order, owners in turn, as Prometheus' queries are shared
 * (one user's flood of views does not hold up another's one); one whose askers all went away
 * while it waited never starts.
 */
final class EvaluationSlots {

  /** The heap one evaluation of a large mesh may hold: the most measured for one at 5 000 workloads, topology and health. */
  static final long HEAP_PER_EVALUATION = 1024L << 20;
  /** What the rest of the backend holds at that size (answers shared for a few seconds, Kubernetes' lists): 0.7 GiB measured. */
  static final long HEAP_RESERVED = 1024L << 20;

  private final int slots;
  private final TurnQueue<Runnable> waiting = new TurnQueue<>();
  private int busy;

  EvaluationSlots(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("at least one evaluation must be allowed, not " + slots);
    }
    this.slots = slots;
  }

  /**
   * As many as the heap holds beside the rest at the largest measured size, at most eight, and at
   * least two: one user's slow view never holds up everyone else's (a small heap means a small mesh).
   */
  static EvaluationSlots forHeap(long maxHeapBytes) {
    return new EvaluationSlots((int) Math.max(2, Math.min(8, (maxHeapBytes - HEAP_RESERVED) / HEAP_PER_EVALUATION)));
  }

  /** Starts {@code work} in {@code scope} now if a slot is free, else when one is; its answer is the work's. */
  <T> CompletableFuture<T> run(QueryScope scope, Supplier<CompletableFuture<T>> work) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    Runnable start = () -> {
      if (scope.cancelled()) {
        release();
        answer.completeExceptionally(new CancellationException("nobody waits for the answer any more"));
        return;
      }
      CompletableFuture<T> running;
      try {
        running = scope.run(work);
      } catch (RuntimeException e) {
        running = CompletableFuture.failedFuture(e);
      }
      running.whenComplete((value, error) -> {
        release();
        if (error != null) {
          answer.completeExceptionally(error);
        } else {
          answer.complete(value);
        }
      });
    };
    boolean now;
    synchronized (this) {
      now = busy < slots;
      if (now) {
        busy++;
      } else {
        waiting.add(scope.owner(), start);
      }
    }
    if (now) {
      start.run();
    }
    return answer;
  }

  /** A slot is free: the next waiting evaluation takes it. */
  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.next(r -> true);
      if (next == null) {
        busy--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** Evaluations running (tests). */
  synchronized int busy() {
    return busy;
  }
}
