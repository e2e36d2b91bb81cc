package io.smm.sandbox.envoy;

/** Waiting as injected delays, backoff and simulated work do: interrupted means stop waiting, keeping the flag. */
public final class Pause {

  private Pause() {}

  public static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
