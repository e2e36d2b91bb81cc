package io.smm.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Finding and stopping processes a sandbox recorded, without touching an unrelated process that reused a pid. */
public final class SandboxProcesses {

  private SandboxProcesses() {}

  /** The live process with this pid whose command line contains {@code marker}, if any. */
  public static Optional<ProcessHandle> find(long pid, String marker) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
  }

  /** SIGTERM, then SIGKILL after {@code grace}. Returns true when the process is gone. */
  public static boolean stop(ProcessHandle p, Duration grace) {
    p.destroy();
    Instant deadline = Instant.now().plus(grace);
    while (p.isAlive() && Instant.now().isBefore(deadline)) {
      sleep(100);
    }
    if (p.isAlive()) {
      p.destroyForcibly();
      Instant killDeadline = Instant.now().plusSeconds(5);
      while (p.isAlive() && Instant.now().isBefore(killDeadline)) {
        sleep(50);
      }
    }
    return !p.isAlive();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
