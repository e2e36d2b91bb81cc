package io.smm.sandbox.tracing;

import io.smm.sandbox.prometheus.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The real Zipkin server (the exec jar from Maven Central) as a child process, in-memory storage:
 * the collector sidecars POST spans to (/api/v2/spans) and the query API the backend reads traces
 * from (/api/v2/traces, /api/v2/trace/{id}), on one port of 127.0.0.1.
 */
public final class ZipkinServer implements AutoCloseable {

  /**
   * Spans kept in memory; the oldest traces go first beyond it. Sized to the heap: a span of the demo
   * holds ~4.4 KB there (58 000 filled 256 MB), and 200 000 on 256 MB left Zipkin in back-to-back full
   * GCs 3.5 minutes after `sandbox up --demo` (83 s of GC in 90 s), its UI cut off mid-script. 80 000
   * is ~5 minutes of the demo's default load (10-30 requests/s, ~14 spans each) at a third of 1 GB.
   */
  static final int MAX_SPANS = 80_000;
  static final String HEAP = "-Xmx1g";
  private final int port;
  private final ManagedProcess process;

  public ZipkinServer(Path dir, int port, Consumer<Long> onPid) {
    this.port = port;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ManagedProcess("zipkin", List.of(java, HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // Its temporary files in the sandbox's directory: also what tells `sandbox down` this process is the sandbox's.
        "-Djava.io.tmpdir=" + dir,
        // Armeria closes a connection whose writes have waited 15 s, even mid-response: a reader that slow
        // (a browser on a loaded machine, through the dashboard's tools proxy) had the UI's 2.5 MB script cut.
        "-Dcom.linecorp.armeria.defaultServerIdleTimeoutMillis=120000",
        "-jar", ZipkinJar.locate().toString(),
        "--armeria.ports[0].port=" + port, "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].protocols=http",
        "--MEM_MAX_SPANS=" + MAX_SPANS, "--logging.level.root=WARN"), dir.resolve("zipkin.log"), onPid);
  }

  /** Starts the process and waits until it answers its health check. */
  public void start(Duration timeout) {
    process.start();
    process.awaitReady(url() + "/health", timeout);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
