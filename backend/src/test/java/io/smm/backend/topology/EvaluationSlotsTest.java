package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.smm.backend.prometheus.QueryScope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** At most N evaluations hold their graphs at once; the rest start in order as slots free up. */
class EvaluationSlotsTest {

  final List<String> started = new ArrayList<>();
  final List<CompletableFuture<String>> running = new ArrayList<>();

  CompletableFuture<String> work(String name) {
    started.add(name + " in " + QueryScope.current().owner());
    CompletableFuture<String> f = new CompletableFuture<>();
    running.add(f);
    return f;
  }

  @Test
  void twoSlotsRunTwoAndStartTheOthersInOrderAsTheyFinish() {
    EvaluationSlots slots = new EvaluationSlots(2);
    QueryScope alice = new QueryScope("alice");
    QueryScope bob = new QueryScope("bob");
    QueryScope carol = new QueryScope("carol");
    CompletableFuture<String> a = slots.run(alice, () -> work("a"));
    CompletableFuture<String> b = slots.run(bob, () -> work("b"));
    CompletableFuture<String> c = slots.run(carol, () -> work("c"));
    CompletableFuture<String> d = slots.run(alice, () -> work("d"));
    assertThat(started).containsExactly("a in alice", "b in bob");
    assertThat(slots.busy()).isEqualTo(2);

    running.get(1).complete("graph b");
    assertThat(b).isCompletedWithValue("graph b");
    assertThat(started).as("c waited longest, in its asker's scope").containsExactly("a in alice", "b in bob", "c in carol");

    running.get(0).completeExceptionally(new IllegalStateException("Prometheus is down"));
    assertThat(a).isCompletedExceptionally();
    assertThat(started).as("a failure frees its slot too").hasSize(4).endsWith("d in alice");
    running.get(2).complete("graph c");
    running.get(3).complete("graph d");
    assertThat(c.join() + d.join()).isEqualTo("graph cgraph d");
    assertThat(slots.busy()).isZero();
  }

  @Test
  void ownersTakeTurnsSoOneUsersFloodDoesNotHoldUpAnother() {
    EvaluationSlots slots = new EvaluationSlots(1);
    QueryScope alice = new QueryScope("alice");
    for (int i = 0; i < 4; i++) {
      int n = i;
      slots.run(alice, () -> work("a" + n));
    }
    slots.run(new QueryScope("bob"), () -> work("b"));
    running.get(0).complete("done");
    assertThat(started).as("alice's turn came first").containsExactly("a0 in alice", "a1 in alice");
    running.get(1).complete("done");
    assertThat(started).as("then bob's, before alice's other two").endsWith("b in bob");
    running.get(2).complete("done");
    assertThat(started).endsWith("a2 in alice");
  }

  @Test
  void anEvaluationWhoseAskersLeftWhileItWaitedNeverStarts() {
    EvaluationSlots slots = new EvaluationSlots(1);
    QueryScope gone = new QueryScope("gone");
    slots.run(new QueryScope("first"), () -> work("first"));
    CompletableFuture<String> abandoned = slots.run(gone, () -> work("abandoned"));
    CompletableFuture<String> next = slots.run(new QueryScope("next"), () -> work("next"));
    gone.cancel();

    running.get(0).complete("done");
    assertThat(started).containsExactly("first in first", "next in next");
    assertThat(abandoned).isCompletedExceptionally();
    assertThat(catchThrowable(abandoned::join)).isInstanceOf(CancellationException.class).hasMessageContaining("nobody waits");
    running.get(1).complete("done too");
    assertThat(next).isCompletedWithValue("done too");
    assertThat(slots.busy()).isZero();
  }

  @Test
  void theHeapDecidesHowManyRunAtOnce() {
    assertThat(busyOf(EvaluationSlots.forHeap(512L << 20))).as("two even in a small heap: one slow view never blocks all").isEqualTo(2);
    assertThat(busyOf(EvaluationSlots.forHeap(4L << 30))).as("a 4 GiB heap holds three beside the rest at the largest measured size")
        .isEqualTo(3);
    assertThat(busyOf(EvaluationSlots.forHeap(64L << 30))).isEqualTo(8);
  }

  int busyOf(EvaluationSlots slots) {
    for (int i = 0; i < 10; i++) {
      slots.run(new QueryScope("u" + i), () -> work("x"));
    }
    return slots.busy();
  }
}
