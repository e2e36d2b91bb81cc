package io.smm.sandbox.testing;

import java.time.Duration;

/**
 * The one setting every test wait scales with: {@code -Dsmm.test.timeoutScale=N} (the build passes
 * it to every module's tests; 2 by default). Waits end as soon as their condition holds, so a larger
 * scale costs time only when something is really wrong; it keeps a loaded 2-core machine from
 * turning slowness into failures.
 */
public final class TestTimeouts {

  private TestTimeouts() {}

  public static double scale() {
    try {
      return Math.max(1, Double.parseDouble(System.getProperty("smm.test.timeoutScale", "2")));
    } catch (NumberFormatException e) {
      return 2;
    }
  }

  /**
   * Prints how long a wait that ended lasted, when it was long: the output says where a slow test
   * spends its time (for the suite's time budget), without a profiler.
   */
  public static void waited(long startNanos, String what) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    if (ms >= 5_000) {
      System.out.printf("waited %.1f s until %s%n", ms / 1000.0, what);
    }
  }

  public static Duration scaled(Duration timeout) {
    return Duration.ofMillis(Math.round(timeout.toMillis() * scale()));
  }
}
