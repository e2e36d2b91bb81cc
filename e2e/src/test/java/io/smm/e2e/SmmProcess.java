package io.smm.e2e;

import io.smm.sandbox.testing.TestTimeouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs bin/smm as a user would, collecting its output lines. */
final class SmmProcess {

  static final Path ROOT = Path.of(System.getProperty("smm.root", "..")).toAbsolutePath().normalize();

  final Process process;
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final List<String> all = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private SmmProcess(Process process) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          all.add(line);
        }
      } catch (IOException e) {
        // process ended
      }
    }, "smm-output");
    reader.setDaemon(true);
    reader.start();
  }

  static SmmProcess start(Map<String, String> env, String... args) throws IOException {
    return launch(ROOT.resolve("bin/smm"), env, args);
  }

  /** Starts an executable (bin/smm, or smm-agent and systemctl on a sandbox VM) as a user would, collecting its output. */
  private static SmmProcess launch(Path executable, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    return new SmmProcess(pb.start());
  }

  /** Runs to completion and returns the exit code. */
  static Result run(Map<String, String> env, String... args) throws Exception {
    return runToEnd(ROOT.resolve("bin/smm"), Duration.ofMinutes(2), env, args);
  }

  /**
   * Runs an executable that is not bin/smm (a sandbox VM's installer, smm-agent or systemctl) to
   * completion; as long as bin/smm gets, as most of them start the JVM too (the installer once the
   * jar is downloaded), which a loaded machine can make take a minute and more.
   */
  static Result runExecutable(Map<String, String> env, Path executable, String... args) throws Exception {
    return runToEnd(executable, Duration.ofMinutes(2), env, args);
  }

  private static Result runToEnd(Path executable, Duration unscaled, Map<String, String> env, String... args) throws Exception {
    SmmProcess p = launch(executable, env, args);
    if (!p.process.waitFor(TestTimeouts.scaled(unscaled).toMillis(), TimeUnit.MILLISECONDS)) {
      p.process.destroyForcibly();
      throw new AssertionError(executable.getFileName() + " " + String.join(" ", args) + " did not finish: " + p.all);
    }
    p.reader.join(); // everything it printed has been read: the pipe is closed once it exited
    return new Result(p.process.exitValue(), String.join("\n", p.all));
  }

  record Result(int exitCode, String output) {}

  /** Stops it as Ctrl-C would (SIGTERM runs its shutdown hooks) and waits until everything it printed has been read. */
  void interruptAndDrain(Duration unscaled) throws InterruptedException {
    Duration timeout = TestTimeouts.scaled(unscaled);
    // Through the handle: Process.destroy() would also close our end of its output, losing what it prints while stopping.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("it did not stop within " + timeout + ": " + all);
    }
    reader.join(timeout.toMillis());
  }

  /** Waits for a line starting with {@code prefix}; fails with everything printed so far. */
  String awaitLine(String prefix, Duration unscaled) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TestTimeouts.scaled(unscaled).toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        TestTimeouts.waited(start, "a line '" + prefix.strip() + "'");
        return line;
      }
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        break;
      }
    }
    throw new AssertionError("no line starting with '" + prefix + "'; output was:\n" + String.join("\n", all));
  }
}
