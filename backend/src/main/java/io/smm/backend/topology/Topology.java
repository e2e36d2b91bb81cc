package io.smm.backend.topology;

import io.smm.backend.prometheus.PrometheusException;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The mesh at {@code time} over the {@code window} before it. {@code errors} lists what could not
 * be read (a Prometheus query that failed, the health): the rest is still returned;
 * {@code failure} says why Prometheus failed, when it did (null otherwise); {@code telemetry}
 * which series the traffic was read from ({@link TelemetryQueries.Source}); {@code staleClusters} the
 * peers of the mesh the cluster registry cannot reach now, whose nodes show the last traffic seen.
 */
public record Topology(Instant time, Duration window, List<TopologyNode> nodes, List<TopologyEdge> edges, List<String> errors,
    PrometheusException.Kind failure, TelemetryQueries.Source telemetry, List<String> staleClusters) {

  public Topology(Instant time, Duration window, List<TopologyNode> nodes, List<TopologyEdge> edges, List<String> errors) {
    this(time, window, nodes, edges, errors, null, TelemetryQueries.Source.RAW, List.of());
  }

  /** The same graph with these peers said to be unreachable. */
  public Topology withStaleClusters(Set<String> clusters) {
    return new Topology(time, window, nodes, edges, errors, failure, telemetry, clusters.stream().sorted().toList());
  }

  /** Without the nodes of clusters other than {@code clusters} (nodes of no cluster stay) and the edges that touch them. */
  public Topology onlyClusters(Set<String> clusters) {
    List<TopologyNode> kept = nodes.stream().filter(n -> n.cluster() == null || n.cluster().isEmpty() || clusters.contains(n.cluster()))
        .toList();
    if (kept.size() == nodes.size()) {
      return this;
    }
    Set<String> ids = kept.stream().map(TopologyNode::id).collect(Collectors.toSet());
    return new Topology(time, window, kept, edges.stream().filter(e -> ids.contains(e.source()) && ids.contains(e.target())).toList(),
        errors, failure, telemetry, staleClusters);
  }

  public static Topology empty(Instant time, Duration window) {
    return new Topology(time, window, List.of(), List.of(), List.of());
  }
}
