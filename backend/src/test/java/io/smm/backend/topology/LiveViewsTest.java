package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * LIVE views kept warm, on a clock and timer the test moves: what a dashboard refreshing every 15 s
 * gets, when the background evaluates, and what bounds it.
 */
class LiveViewsTest {

  static final long S = 1_000_000_000L;
  static final Duration EVERY = Duration.ofSeconds(15);
  static final LiveViews.Limits LIMITS = new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO, 3, 1000);

  /** A timer on a clock that only moves when the test says. */
  static final class ManualTime implements LiveViews.Timer {
    record Task(long at, Runnable run, boolean[] cancelled) {}

    long now = 1_000 * S;
    final List<Task> tasks = new ArrayList<>();

    @Override
    public Runnable after(long delayNanos, Runnable task) {
      boolean[] cancelled = {false};
      tasks.add(new Task(now + delayNanos, task, cancelled));
      return () -> cancelled[0] = true;
    }

    /** Moves the clock, running what falls due on the way, in order. */
    void advance(long nanos) {
      long until = now + nanos;
      while (true) {
        Task next = tasks.stream().filter(t -> t.at() <= until).min((a, b) -> Long.compare(a.at(), b.at())).orElse(null);
        if (next == null) {
          break;
        }
        tasks.remove(next);
        now = Math.max(now, next.at());
        if (!next.cancelled()[0]) {
          next.run().run();
        }
      }
      now = until;
    }

    /** When the next refresh would start (null: none planned). */
    Long nextAt() {
      return tasks.stream().filter(t -> !t.cancelled()[0]).mapToLong(Task::at).min().stream().boxed().findFirst().orElse(null);
    }
  }

  final ManualTime time = new ManualTime();
  /** Background evaluations started, by view, each answered when the test completes it. */
  final List<String> started = new ArrayList<>();
  final List<CompletableFuture<String>> running = new ArrayList<>();
  final AtomicInteger asked = new AtomicInteger();

  LiveViews<String, String> views(LiveViews.Limits limits) {
    return new LiveViews<>(limits, time, () -> time.now, key -> {
      started.add(key);
      CompletableFuture<String> answer = new CompletableFuture<>();
      running.add(answer);
      return answer;
    }, String::length);
  }

  /** An ask that evaluates (answering after {@code seconds}) when the view has nothing to serve. */
  CompletableFuture<String> ask(LiveViews<String, String> views, String key, String answer, long seconds) {
    return views.get(key, EVERY, () -> {
      asked.incrementAndGet();
      time.advance(seconds * S);
      return CompletableFuture.completedFuture(answer);
    });
  }

  @Test
  void aWarmViewIsAnsweredAtOnceFromARefreshDoneJustBeforeTheAsk() {
    LiveViews<String, String> views = views(LIMITS);
    assertThat(ask(views, "shop", "a1", 2).join()).as("the first ask evaluates").isEqualTo("a1");
    long firstAsk = 1_000 * S;
    assertThat(time.nextAt()).as("the refresh for the next ask (15 s after the first) is done a second before it, as long as the last one took")
        .isEqualTo(firstAsk + 15 * S - 2 * S - S);

    time.advance(12 * S - time.now + firstAsk);
    assertThat(started).containsExactly("shop");
    running.get(0).complete("a2");
    time.advance(3 * S);
    assertThat(ask(views, "shop", "never", 0).join()).as("the next ask: the refreshed answer, nothing evaluated").isEqualTo("a2");
    assertThat(asked).hasValue(1);
  }

  @Test
  void usersAskingAtOtherMomentsDoNotPostponeTheRefresh() {
    LiveViews<String, String> views = views(LIMITS);
    ask(views, "shop", "a1", 0).join();
    for (int i = 0; i < 13; i++) { // another dashboard on the view every second
      time.advance(S);
      assertThat(ask(views, "shop", "x", 0).join()).isEqualTo("a1");
    }
    time.advance(S);
    assertThat(started).as("the refresh for the first user's next ask starts on time").containsExactly("shop");
    running.get(0).complete("a2");
    for (int i = 0; i < 15; i++) {
      time.advance(S);
      ask(views, "shop", "x", 0).join();
    }
    assertThat(started).as("and then once per interval").hasSize(2);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aViewNobodyAsksForStopsBeingRefreshedAfterKeepWarm() {
    LiveViews<String, String> views = views(LIMITS);
    ask(views, "shop", "a1", 0).join();
    // Nobody asks again: refreshed every 15 s for the 5 minutes, then dropped.
    for (int i = 0; i < 40; i++) {
      time.advance(15 * S);
      running.forEach(r -> r.complete("again"));
    }
    assertThat(started).as("refreshes while warm").hasSizeBetween(19, 21);
    assertThat(views.size()).isZero();
    assertThat(time.nextAt()).as("nothing planned any more").isNull();
    assertThat(ask(views, "shop", "b", 0).join()).as("asked again: evaluated anew").isEqualTo("b");
  }

  @Test
  void theBackgroundEvaluatesOneViewAtATime() {
    LiveViews<String, String> views = views(LIMITS);
    ask(views, "a", "a1", 0).join();
    ask(views, "b", "b1", 0).join();
    time.advance(15 * S);
    assertThat(started).as("both due, one started").containsExactly("a");
    running.get(0).complete("a2");
    assertThat(started).as("the next when it is done").containsExactly("a", "b");
  }

  @Test
  void anAnswerTooOldIsNotServedWhenTheBackgroundFallsBehind() {
    LiveViews<String, String> views = views(LIMITS);
    ask(views, "shop", "a1", 0).join();
    time.advance(15 * S);
    assertThat(started).hasSize(1); // never answered: the background is stuck behind Prometheus
    time.advance(20 * S);
    assertThat(ask(views, "shop", "x", 0).join()).as("35 s old: still served (three refreshes)").isEqualTo("a1");
    time.advance(11 * S);
    assertThat(ask(views, "shop", "fresh", 0).join()).as("46 s old: evaluated for the ask").isEqualTo("fresh");
  }

  @Test
  void aLongerStaleLimitKeepsServingWhileTheBackgroundWorksThroughManyViews() {
    LiveViews<String, String> views = views(new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(2), 3, 1000));
    ask(views, "shop", "a1", 0).join();
    time.advance(15 * S);
    time.advance(100 * S);
    assertThat(ask(views, "shop", "x", 0).join()).as("115 s old: served").isEqualTo("a1");
    time.advance(10 * S);
    assertThat(ask(views, "shop", "fresh", 0).join()).as("125 s old: evaluated for the ask").isEqualTo("fresh");
  }

  @Test
  void aFailedRefreshKeepsTheLastAnswerAndTriesAgain() {
    LiveViews<String, String> views = views(LIMITS);
    ask(views, "shop", "a1", 0).join();
    time.advance(15 * S);
    running.get(0).completeExceptionally(new IllegalStateException("Prometheus is down"));
    assertThat(ask(views, "shop", "x", 0).join()).isEqualTo("a1");
    time.advance(15 * S);
    assertThat(started).as("tried again").hasSize(2);
  }

  @Test
  void theLeastRecentlyAskedViewGoesBeyondTheViewLimit() {
    LiveViews<String, String> views = views(new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO, 2, 1000));
    ask(views, "a", "a1", 0).join();
    ask(views, "b", "b1", 0).join();
    ask(views, "a", "x", 0).join(); // a asked again: b is now the least recent
    ask(views, "c", "c1", 0).join();
    assertThat(views.size()).isEqualTo(2);
    assertThat(ask(views, "a", "x", 0).join()).as("a stays").isEqualTo("a1");
    assertThat(ask(views, "b", "b2", 0).join()).as("b was dropped").isEqualTo("b2");
  }

  @Test
  void aBackgroundRefreshDoesNotCountAsAnAsk() {
    LiveViews<String, String> views = views(new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO, 2, 1000));
    ask(views, "a", "a1", 0).join();
    time.advance(S);
    ask(views, "b", "b1", 0).join();
    time.advance(13 * S);
    running.forEach(r -> r.complete("a2")); // a's refresh, after b was asked
    assertThat(started).containsExactly("a");
    ask(views, "c", "c1", 0).join();
    assertThat(ask(views, "b", "x", 0).join()).as("b was asked after a: it stays").isEqualTo("b1");
    assertThat(ask(views, "a", "a-again", 0).join()).as("a, the least recently asked, went").isEqualTo("a-again");
  }

  @Test
  void theLeastRecentlyAskedViewsGoBeyondTheByteLimit() {
    LiveViews<String, String> views = views(new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO, 10, 10));
    ask(views, "a", "123456", 0).join();
    ask(views, "b", "1234", 0).join();
    assertThat(views.bytes()).isEqualTo(10);
    ask(views, "c", "12", 0).join();
    assertThat(views.bytes()).as("12 bytes were too many: a went").isEqualTo(6);
    assertThat(ask(views, "b", "x", 0).join()).isEqualTo("1234");
    assertThat(ask(views, "c", "x", 0).join()).isEqualTo("12");
    assertThat(ask(views, "a", "a-again", 0).join()).as("a was dropped").isEqualTo("a-again");
  }

  @Test
  void aRefreshOfAViewDroppedMeanwhileIsNotKept() {
    LiveViews<String, String> views = views(new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO, 1, 1000));
    ask(views, "a", "a1", 0).join();
    time.advance(15 * S);
    assertThat(started).containsExactly("a");
    ask(views, "b", "b1", 0).join(); // a is dropped while its refresh runs
    running.get(0).complete("a2");
    assertThat(views.size()).isEqualTo(1);
    assertThat(ask(views, "b", "x", 0).join()).isEqualTo("b1");
  }
}
