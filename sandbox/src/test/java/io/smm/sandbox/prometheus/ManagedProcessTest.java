package io.smm.sandbox.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.smm.sandbox.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

  @TempDir
  Path dir;

  @Test
  void aCrashLoopingProcessIsRetriedLessOftenNotGivenUpAndSaysWhy() throws Exception {
    List<Long> pids = new CopyOnWriteArrayList<>();
    try (ManagedProcess crashing = new ManagedProcess("crasher", List.of("sh", "-c", "exit 3"), dir.resolve("crasher.log"), pids::add,
        Duration.ofMillis(300))) {
      crashing.start();
      // The first start and three quick restarts (where it used to give up for good), then pauses
      // of 300 ms, 600 ms, ...: it is still started again after them.
      Eventually.until(() -> pids.size() >= 6, Duration.ofSeconds(60), () -> "starts so far: " + pids.size());
      Eventually.until(() -> crashing.failure() != null, Duration.ofSeconds(30), "the crash loop is reported");
      assertThat(crashing.failure()).contains("crasher keeps crashing (exit code 3").contains("next restart in");
    }
  }
}
