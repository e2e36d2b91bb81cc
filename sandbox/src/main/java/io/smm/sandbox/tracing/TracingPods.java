package io.smm.sandbox.tracing;

import io.fabric8.kubernetes.api.model.Pod;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.kubelet.PodRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tracing component's pod (Jaeger all-in-one in a cluster) as the real Zipkin server:
 * one process while such a pod exists, its query, Zipkin-collector and admin ports all answered by
 * Zipkin's one port. Jaeger cannot run here; Zipkin speaks the same collector protocol the
 * sidecars use, and the backend finds out which query API answers.
 */
public final class TracingPods implements PodRuntime, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TracingPods.class);
  /** The image the ControlPlane's tracing component runs. */
  static final String IMAGE = "jaegertracing/all-in-one";
  /** Jaeger all-in-one's ports: query UI/API, Zipkin collector, admin (health). */
  static final Set<Integer> PORTS = Set.of(16686, 9411, 14269);

  private final Path dir;
  private final int port;
  private final Consumer<Long> onPid;
  private final ExecutorService starter = Executors.newSingleThreadExecutor(DaemonThreads.named("zipkin-start"));
  private ZipkinServer server;
  private String pod;

  /** @param port where the Zipkin server listens while it runs (chosen up front, so its address is known before the pod starts) */
  public TracingPods(Path dir, int port, Consumer<Long> onPid) {
    this.dir = dir;
    this.port = port;
    this.onPid = onPid;
  }

  /** host:port of the Zipkin server (whether it runs or not). */
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public boolean runs(Pod pod) {
    return pod.getSpec().getContainers().stream().anyMatch(c -> c.getImage() != null && c.getImage().contains(IMAGE));
  }

  @Override
  public synchronized void start(Pod p) {
    pod = p.getMetadata().getUid();
    if (server != null) {
      return; // a second replica shares the one server (Jaeger all-in-one keeps spans in memory per pod; one is enough here)
    }
    ZipkinServer started = new ZipkinServer(dir, port, onPid);
    server = started;
    // In the background: the kubelet starts the other pods meanwhile, and spans sent before it is ready are dropped (counted).
    starter.submit(() -> {
      try {
        started.start(Duration.ofSeconds(120));
        LOG.info("tracing: Zipkin server ready at {}", started.url());
      } catch (RuntimeException e) {
        LOG.error("tracing: the Zipkin server did not start: {}", e.getMessage());
      }
    });
  }

  @Override
  public synchronized void stop(Pod p) {
    if (!p.getMetadata().getUid().equals(pod) || server == null) {
      return;
    }
    server.close();
    server = null;
    pod = null;
  }

  @Override
  public synchronized Optional<String> address(Pod p, int containerPort) {
    return server != null && PORTS.contains(containerPort) ? Optional.of(address()) : Optional.empty();
  }

  @Override
  public synchronized void close() {
    starter.shutdownNow();
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
