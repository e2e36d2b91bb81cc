package io.smm.backend.validation;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesh-wide validation running in the background (seed: "the validations are constantly
 * running"): every interval a fresh snapshot is analysed and the result kept, so the Overview and
 * the API answer from the latest run instead of listing the cluster per request.
 */
public final class ValidationService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ValidationService.class);

  /** One analysis: when, of which cluster, what it found; {@code error} when the snapshot could not be read. */
  public record Result(Instant at, String cluster, List<Finding> findings, String error) {}

  private final KubernetesClient client;
  private final Supplier<String> cluster;
  private final MeshAnalyzer analyzer = new MeshAnalyzer();
  private final ScheduledExecutorService timer;
  private volatile Result latest;

  public ValidationService(KubernetesClient client, Supplier<String> cluster, Duration interval) {
    this.client = client;
    this.cluster = cluster;
    this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("mesh-validation"));
    timer.scheduleWithFixedDelay(this::refreshQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The latest analysis; the first call runs one. */
  public Result latest() {
    Result r = latest;
    return r != null ? r : refresh();
  }

  /** Analyses now (after a change the user wants to see at once). */
  public synchronized Result refresh() {
    String name = cluster.get();
    try {
      latest = new Result(Instant.now(), name, analyzer.analyze(MeshSnapshots.load(client, name)), null);
    } catch (RuntimeException e) {
      LOG.warn("mesh validation could not read the cluster: {}", e.getMessage());
      Result previous = latest;
      latest = new Result(Instant.now(), name, previous == null ? List.of() : previous.findings(),
          "Kubernetes API: " + e.getMessage());
    }
    return latest;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("mesh validation failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
