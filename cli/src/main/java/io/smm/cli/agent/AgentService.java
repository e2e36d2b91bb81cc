package io.smm.cli.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `smm-agent run`, what the smm-agent systemd unit starts: reconciles the VM again and again, so
 * that a changed meshexpansion gateway address, a new Istio version or a stopped Istio is followed
 * (seed 2.9 "Architecture"). The configuration file is read on every pass. A failed pass is
 * retried with exponential backoff (1 s doubling to 1 min) and says why each time. Stopping the
 * agent leaves Istio running, as the seed's maintenance steps expect: `systemctl stop istio`
 * de-registers the VM.
 */
@Command(name = "run", description = "Keeps this machine's mesh configuration current until stopped (what the smm-agent service runs).")
final class AgentService implements Callable<Integer> {

  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  @CommandLine.ParentCommand
  SmmAgent agent;

  @Option(names = "--interval", defaultValue = "30", description = "seconds between passes when all is well (default: ${DEFAULT-VALUE})")
  long intervalSeconds;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() {
    if (intervalSeconds < 1 || intervalSeconds > 3600) {
      throw new AgentException("--interval must be between 1 and 3600 seconds, not " + intervalSeconds);
    }
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      stopped.countDown();
      main.interrupt();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("✓ smm-agent running config=" + agent.configFile() + ", interval=" + intervalSeconds + "s");
    try {
      loop();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what stopped us
      }
    }
    System.out.println("✓ smm-agent stopped (Istio keeps running: 'systemctl stop istio' de-registers this machine)");
    return 0;
  }

  /** Reconciles until stopped or interrupted: every interval when a pass succeeds, with a doubling backoff when it fails. */
  private void loop() {
    Duration backoff = Duration.ofSeconds(1);
    HostReconciler reconciler = new HostReconciler(agent.host(), new BootstrapClient(), System.out);
    while (stopped.getCount() > 0) {
      Duration wait;
      try {
        var outcome = reconciler.reconcile(AgentConfig.load(agent.configFile()).withDetectedNodeIp(), false);
        if (outcome.changed()) {
          System.out.println("✓ " + Instant.now() + " changes were made to the host operating system");
        }
        backoff = Duration.ofSeconds(1);
        wait = Duration.ofSeconds(intervalSeconds);
      } catch (AgentException e) {
        System.out.println("✗ " + Instant.now() + " " + e.getMessage() + " (retrying in " + backoff.toSeconds() + "s)");
        wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
      System.out.flush();
      try {
        if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        break;
      }
    }
  }
}
