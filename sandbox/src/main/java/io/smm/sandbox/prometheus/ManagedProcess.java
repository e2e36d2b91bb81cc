package io.smm.sandbox.prometheus;

import io.smm.sandbox.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process the sandbox owns: started with its output in a log file, restarted when it
 * crashes — at once up to {@value #MAX_RESTARTS} times a minute, then after a pause that doubles
 * with every further crash (from {@code firstPause}, at most 5 minutes), with {@link #failure()}
 * saying why it is down and when it is tried again — stopped with SIGTERM and, after a grace
 * period, SIGKILL.
 */
public class ManagedProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);
  static final int MAX_RESTARTS = 3;

  private final String name;
  private final List<String> command;
  private final Path logFile;
  private final Consumer<Long> onPid;
  private final Deque<Instant> restarts = new ArrayDeque<>();
  private static final Duration MAX_PAUSE = Duration.ofMinutes(5);

  private final Duration firstPause;
  private final ScheduledExecutorService restarter = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("restart"));
  private volatile Process process;
  private volatile boolean stopping;
  private volatile String failure;
  private int pauses;

  /**
   * @param onPid told every new pid (first start and restarts), so it can be recorded for `sandbox down`
   */
  public ManagedProcess(String name, List<String> command, Path logFile, Consumer<Long> onPid) {
    this(name, command, logFile, onPid, Duration.ofSeconds(30));
  }

  ManagedProcess(String name, List<String> command, Path logFile, Consumer<Long> onPid, Duration firstPause) {
    this.name = name;
    this.command = List.copyOf(command);
    this.logFile = logFile;
    this.onPid = onPid;
    this.firstPause = firstPause;
  }

  public synchronized void start() {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
    Process started = process;
    onPid.accept(started.pid());
    started.onExit().thenAccept(this::exited);
  }

  private synchronized void exited(Process p) {
    if (stopping || p != process) {
      return;
    }
    Instant now = Instant.now();
    restarts.removeIf(t -> t.isBefore(now.minusSeconds(60)));
    if (restarts.isEmpty()) {
      pauses = 0; // it ran a minute or more: a new crash starts over
    }
    Duration pause = Duration.ofMillis(500);
    if (restarts.size() >= MAX_RESTARTS) {
      // Crash-looping: keep trying, ever less often, and say so.
      pause = firstPause.multipliedBy(1L << Math.min(pauses, 10));
      pause = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
      pauses++;
      failure = name + " keeps crashing (exit code " + p.exitValue() + ", " + MAX_RESTARTS + " restarts within a minute); next restart in "
          + pause.toSeconds() + " s. See " + logFile;
      LOG.error(failure);
    } else {
      LOG.warn("{} exited unexpectedly with code {}; restarting it (log: {})", name, p.exitValue(), logFile);
    }
    restarts.add(now);
    restarter.schedule(this::restart, pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void restart() {
    if (stopping) {
      return;
    }
    try {
      start();
      failure = null;
    } catch (RuntimeException e) {
      failure = "cannot restart " + name + ": " + e.getMessage();
      LOG.error(failure);
    }
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Why the process is down and when it is tried again (while it crash-loops), or null. */
  public String failure() {
    return failure;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  /** Waits until {@code url} answers 200, failing early (with the log's tail) if the process dies. */
  public void awaitReady(String url, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!isAlive() && failure != null) {
        break;
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name);
      }
    }
    throw new IllegalStateException(name + " did not become ready at " + url + " within " + timeout.toSeconds()
        + "s; see " + logFile + (failure != null ? " (" + failure + ")" : ""));
  }

  @Override
  public void close() {
    stopping = true;
    restarter.shutdownNow();
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
