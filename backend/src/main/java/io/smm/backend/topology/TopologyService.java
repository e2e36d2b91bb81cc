package io.smm.backend.topology;

import io.smm.backend.PartErrors;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The topology for a time (now = LIVE, or any past instant = TIMELINE) and window: the
 * {@link MeshQueries} run concurrently against Prometheus, joined with the workloads Kubernetes
 * knows in the selected namespaces (shown idle without traffic). A failed query leaves its part
 * out and is named in {@link Topology#errors()}; the rest is still answered.
 */
public final class TopologyService {

  private final PrometheusClient prometheus;
  private final ClusterQueries clusters;
  private final String cluster;
  private final Executor blocking;

  public TopologyService(PrometheusClient prometheus, ClusterQueries clusters, String cluster, Executor blocking) {
    this.prometheus = prometheus;
    this.clusters = clusters;
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
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    parts.add(part("request rates", MeshQueries.requestRates(namespaces, window), at, builder::requests, errors));
    parts.add(part("latency", MeshQueries.durationBuckets(namespaces, window), at, builder::durationBucket, errors));
    parts.add(part("TCP bytes sent", MeshQueries.tcpBytes("sent", namespaces, window), at, builder::tcpSent, errors));
    parts.add(part("TCP bytes received", MeshQueries.tcpBytes("received", namespaces, window), at, builder::tcpReceived, errors));
    parts.add(part("mTLS", MeshQueries.security(namespaces, window), at, builder::security, errors));
    // Read even without idle nodes: it is what tells gateways and VMs apart from other workloads.
    CompletableFuture<List<KnownWorkload>> known = CompletableFuture.supplyAsync(() -> clusters.workloads(List.copyOf(namespaces))
        .stream().map(w -> new KnownWorkload(cluster, w.namespace(), w.name(), w.app(), w.version(),
            w.vm() ? TopologyNode.Type.VM : w.gateway() ? TopologyNode.Type.GATEWAY : TopologyNode.Type.WORKLOAD)).toList(), blocking)
        .exceptionally(e -> {
          errors.add("Kubernetes workloads", e);
          return List.of();
        });
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenCombine(known, (ignored, workloads) -> {
      // Builders are not thread-safe: results were applied one query at a time (see part()).
      workloads.forEach(w -> builder.known(w, idleNodes));
      return builder.build(at, window, errors.list());
    });
  }

  private final Object apply = new Object();

  private CompletableFuture<Void> part(String what, String promql, Instant at, java.util.function.Consumer<Sample> sink,
      PartErrors errors) {
    return prometheus.instant(promql, at).handle((samples, e) -> {
      if (e != null) {
        errors.add(what, e);
        return null;
      }
      synchronized (apply) {
        samples.forEach(sink);
      }
      return null;
    });
  }


}
