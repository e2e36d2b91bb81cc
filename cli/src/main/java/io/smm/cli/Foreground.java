package io.smm.cli;

import java.util.concurrent.CountDownLatch;

/** Long-running commands: block until SIGINT/SIGTERM, then run the cleanup before the JVM exits. */
final class Foreground {

  private Foreground() {}

  static void runUntilStopped(String name, Runnable cleanup) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        cleanup.run();
      } finally {
        stopped.countDown();
      }
    }, name + "-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
