package io.smm.sandbox.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a cluster to converge in tests: polls a condition, fails with what was awaited. Timeouts scale ({@link TestTimeouts}). */
public final class Eventually {

  private Eventually() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    until(condition, timeout, () -> what);
  }

  /** {@code what} is computed on failure, so it can describe the state that was found instead. */
  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
    Duration scaled = TestTimeouts.scaled(timeout);
    long deadline = System.nanoTime() + scaled.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + scaled.toSeconds() + "s waiting until " + what.get());
      }
      Thread.sleep(50);
    }
  }
}
