package io.smm.backend.topology;

import io.smm.backend.PartErrors;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The topology for a time (now = LIVE, or any past instant = TIMELINE) and window: the
 * {@link TelemetryQueries} run concurrently against Prometheus, joined with the workloads Kubernetes
 * knows in the selected namespaces (shown idle without traffic) and with every node's health
 * (Kiali's health appender). A failed query leaves its part out and is named in
 * {@link Topology#errors()}; the rest is still answered.
 */
public final class TopologyService {

  /** The history health compares the window with (as the health query does). */
  private static final Duration HEALTH_BASELINE = Duration.ofHours(1);

  private final PrometheusClient prometheus;
  private final ClusterQueries clusters;
  private final HealthService health;
  private final String cluster;
  private final Executor blocking;

  public TopologyService(PrometheusClient prometheus, ClusterQueries clusters, HealthService health, String cluster, Executor blocking) {
    this.prometheus = prometheus;
    this.clusters = clusters;
    this.health = health;
    this.cluster = cluster;
    this.blocking = blocking;
  }

  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes) {
    return topology(namespaces, time, window, idleNodes, TopologyNode.Grouping.WORKLOAD);
  }

  /** @param grouping one node per workload, app (all versions), namespace or cluster */
  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes,
      TopologyNode.Grouping grouping) {
    Instant at = time == null ? Instant.now() : time;
    PartErrors errors = new PartErrors();
    TopologyBuilder builder = new TopologyBuilder(cluster, grouping);
    // Each request gathers its own answers and applies them on one thread at the end: builders are
    // not thread-safe, and nothing is shared between requests, so concurrent users never wait for each other.
    List<Part> parts = List.of(
        part("request rates", TelemetryQueries.requestRates(namespaces, window), at, builder::requests, errors),
        part("latency", TelemetryQueries.durationBuckets(namespaces, window), at, builder::durationBucket, errors),
        part("TCP bytes sent", TelemetryQueries.tcpBytes("sent", namespaces, window), at, builder::tcpSent, errors),
        part("TCP bytes received", TelemetryQueries.tcpBytes("received", namespaces, window), at, builder::tcpReceived, errors),
        part("mTLS", TelemetryQueries.security(namespaces, window), at, builder::security, errors));
    // Read even without idle nodes: it is what tells gateways and VMs apart from other workloads.
    CompletableFuture<List<KnownWorkload>> known = CompletableFuture.supplyAsync(() -> clusters.workloads(List.copyOf(namespaces))
        .stream().map(w -> new KnownWorkload(cluster, w.namespace(), w.name(), w.app(), w.version(),
            w.vm() ? TopologyNode.Type.VM : w.gateway() ? TopologyNode.Type.GATEWAY : TopologyNode.Type.WORKLOAD)).toList(), blocking)
        .exceptionally(e -> {
          errors.add("Kubernetes workloads", e);
          return List.of();
        });
    CompletableFuture<Map<String, List<HealthScore>>> scores = health.timelines(namespaces,
        new HealthService.Span(at, Duration.ZERO, window, window, HEALTH_BASELINE)).exceptionally(e -> {
          errors.add("health", e);
          return Map.of();
        });
    CompletableFuture<?>[] all = parts.stream().map(Part::samples).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenCombine(known, (ignored, workloads) -> {
      parts.forEach(Part::apply);
      workloads.forEach(w -> builder.known(w, idleNodes));
      return builder.build(at, window, List.of());
    }).thenCombine(scores, (graph, healthById) -> {
      List<TopologyNode> nodes = graph.nodes().stream().map(n -> {
        List<HealthScore> timeline = healthById.get(n.id());
        return timeline == null || timeline.isEmpty() ? n : n.withHealth(timeline.get(timeline.size() - 1));
      }).toList();
      return new Topology(graph.time(), graph.window(), nodes, graph.edges(), errors.list(), errors.prometheusKind());
    });
  }

  /** One query's answer (empty when it failed) and where its samples go. */
  private record Part(CompletableFuture<List<Sample>> samples, Consumer<Sample> sink) {
    void apply() {
      samples.join().forEach(sink);
    }
  }

  private Part part(String what, String promql, Instant at, Consumer<Sample> sink, PartErrors errors) {
    return new Part(prometheus.instant(promql, at).exceptionally(e -> {
      errors.add(what, e);
      return List.of();
    }), sink);
  }
}
