package io.smm.backend.topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LIVE views kept warm in the background, as Kiali's graph cache (kiali/kiali#8870) but per view
 * rather than per browser session, so users looking at the same namespaces share one. A client that
 * says it will ask again every {@code refresh} (the Topology page's refresh interval) gets the
 * view's latest answer at once, and the view is evaluated again so that the next answer is ready
 * just before the next ask, for as long as someone asked within {@link Limits#keepWarm}: a page
 * load costs a lookup whatever the mesh's size, and the answer's own time says how old it is.
 *
 * <p>Bounded three ways: the background evaluates one view at a time (its refreshes never hold more
 * than one of the evaluation slots users' own requests wait for: when they fall behind, answers
 * grow older, the work does not grow); an answer older than {@link Limits#staleAfter} is not served
 * (the asker waits for a fresh one, as without the cache); and at most
 * {@link Limits#maxViews} views holding {@link Limits#maxBytes} of answers, the least recently
 * asked dropped first.
 */
final class LiveViews<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(LiveViews.class);

  /** How many refresh intervals old an answer may be and still be served. */
  static final int STALE_REFRESHES = 3;

  /**
   * @param keepWarm how long after its last ask a view is still refreshed (a user who looks at
   *     another page and comes back finds it ready; Kiali keeps one 10 minutes)
   * @param margin how long before the expected ask a refresh should be done (the ask's own trip)
   * @param staleAfter an answer is served while younger than this or {@link #STALE_REFRESHES} refresh
   *     intervals, whichever is longer (fifty views of a large mesh take the background longer than one interval)
   * @param maxViews views kept at most
   * @param maxBytes estimated size of the answers kept at most
   */
  record Limits(Duration keepWarm, Duration margin, Duration staleAfter, int maxViews, long maxBytes) {}

  /** Runs a task after a delay; cancelled runs do nothing. */
  interface Timer {
    Runnable after(long delayNanos, Runnable task);
  }

  private final class View {
    final K key;
    long refreshNanos;
    long askedNanos;
    V answer;
    long answerStartedNanos;
    long answerBytes;
    /** How long the last evaluation took: a refresh starts that long before the ask it is for. */
    long durationNanos;
    /** Waiting for its turn in the background or being evaluated. */
    boolean refreshing;
    /** When the planned refresh starts (clock time; none planned: Long.MAX_VALUE). */
    long plannedNanos = Long.MAX_VALUE;
    /** Dropped: what is still under way for it is not kept. */
    boolean gone;
    Runnable cancelNext = () -> { };

    View(K key) {
      this.key = key;
    }
  }

  private final Limits limits;
  private final Timer timer;
  private final LongSupplier clock;
  private final Function<K, CompletableFuture<V>> refresh;
  private final ToLongFunction<V> weigh;
  /** Access order: the least recently asked first (only asks look views up; the background holds its own). */
  private final Map<K, View> views = new LinkedHashMap<>(16, 0.75f, true);
  private final ArrayDeque<View> due = new ArrayDeque<>();
  private long bytes;
  private boolean evaluating;

  /**
   * @param refresh evaluates a view in the background
   * @param weigh an answer's estimated size in bytes
   */
  LiveViews(Limits limits, Timer timer, LongSupplier clock, Function<K, CompletableFuture<V>> refresh, ToLongFunction<V> weigh) {
    this.limits = limits;
    this.timer = timer;
    this.clock = clock;
    this.refresh = refresh;
    this.weigh = weigh;
  }

  /**
   * The view's latest answer when it is recent enough; otherwise {@code evaluate}'s, which the
   * view keeps. Either way the view is (still) kept warm for an ask every {@code every}.
   */
  CompletableFuture<V> get(K key, Duration every, Supplier<CompletableFuture<V>> evaluate) {
    long now = clock.getAsLong();
    View view;
    V served = null;
    synchronized (this) {
      view = views.get(key);
      if (view == null) {
        view = new View(key);
        views.put(key, view);
        trim();
      }
      view.askedNanos = now;
      view.refreshNanos = every.toNanos();
      long servedFor = Math.max(STALE_REFRESHES * view.refreshNanos, limits.staleAfter().toNanos());
      if (view.answer != null && now - view.answerStartedNanos <= servedFor) {
        served = view.answer;
        planRefresh(view, now + view.refreshNanos, now);
      }
    }
    if (served != null) {
      return CompletableFuture.completedFuture(served);
    }
    View asked = view;
    return evaluate.get().whenComplete((answer, error) -> {
      if (error == null) {
        keep(asked, answer, now, true);
      }
    });
  }

  /**
   * Plans the view's next refresh to be done just before {@code nextAsk}, unless one is under way or
   * planned earlier: users asking at other moments of the interval never postpone it (each would
   * push it on, and with many none would ever run), the earliest ask is served fresh.
   */
  private void planRefresh(View view, long nextAsk, long now) {
    long start = nextAsk - view.durationNanos - limits.margin().toNanos();
    if (view.refreshing || start >= view.plannedNanos) {
      return;
    }
    view.cancelNext.run();
    view.plannedNanos = start;
    view.cancelNext = timer.after(Math.max(0, start - now), () -> due(view));
  }

  /** The view's refresh time came: drop it when nobody asked for long, else queue it for the background. */
  private void due(View view) {
    synchronized (this) {
      view.plannedNanos = Long.MAX_VALUE;
      if (view.gone || view.refreshing) {
        return;
      }
      if (clock.getAsLong() - view.askedNanos > limits.keepWarm().toNanos()) {
        drop(view);
        return;
      }
      view.refreshing = true;
      due.add(view);
    }
    next();
  }

  /** Starts the next queued refresh when none runs. */
  private void next() {
    View view;
    synchronized (this) {
      if (evaluating || due.isEmpty()) {
        return;
      }
      evaluating = true;
      view = due.poll();
    }
    long started = clock.getAsLong();
    CompletableFuture<V> answer;
    try {
      answer = refresh.apply(view.key);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((value, error) -> {
      synchronized (this) {
        evaluating = false;
        view.refreshing = false;
      }
      if (error != null) {
        // The last answer stays (it ages out of being served); the next ask or period tries again.
        LOG.warn("background refresh of the LIVE view {} failed: {}", view.key, error.toString());
      }
      keep(view, error == null ? value : null, started, false);
      next();
    });
  }

  /**
   * Keeps an answer (when newer than the kept one) and plans the view's next refresh: before the
   * next ask after an ask's own evaluation, one period after this one's start after a refresh
   * (an ask meanwhile plans it anew from its own time).
   */
  private void keep(View view, V answer, long startedNanos, boolean asked) {
    long now = clock.getAsLong();
    synchronized (this) {
      if (view.gone) {
        return;
      }
      if (answer != null && (view.answer == null || startedNanos >= view.answerStartedNanos)) {
        long size = weigh.applyAsLong(answer);
        bytes += size - view.answerBytes;
        view.answer = answer;
        view.answerBytes = size;
        view.answerStartedNanos = startedNanos;
        view.durationNanos = now - startedNanos;
        trim();
        if (view.gone) {
          return;
        }
      }
      planRefresh(view, asked ? view.askedNanos + view.refreshNanos : startedNanos + view.refreshNanos
          + view.durationNanos + limits.margin().toNanos(), now);
    }
  }

  /** Drops the least recently asked views beyond the limits. */
  private void trim() {
    Iterator<View> oldest = views.values().iterator();
    while ((views.size() > limits.maxViews() || bytes > limits.maxBytes()) && oldest.hasNext()) {
      View view = oldest.next();
      oldest.remove();
      forget(view);
    }
  }

  private void drop(View view) {
    views.remove(view.key, view);
    forget(view);
  }

  private void forget(View view) {
    view.gone = true;
    bytes -= view.answerBytes;
    view.answerBytes = 0;
    view.cancelNext.run();
    view.plannedNanos = Long.MAX_VALUE;
    due.remove(view);
  }

  /** Views kept (tests). */
  synchronized int size() {
    return views.size();
  }

  /** Estimated bytes of the answers kept (tests). */
  synchronized long bytes() {
    return bytes;
  }
}
