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
 * which series the traffic was read from ({@link TelemetryQueries.Source}).
 */
public record Topology(Instant time, Duration window, List<TopologyNode> nodes, List<TopologyEdge> edges, List<String> errors,
    PrometheusException.Kind failure, TelemetryQueries.Source telemetry) {

  public Topology(Instant time, Duration window, List<TopologyNode> nodes, List<TopologyEdge> edges, List<String> errors) {
    this(time, window, nodes, edges, errors, null, TelemetryQueries.Source.RAW);
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
        errors, failure, telemetry);
  }

  public static Topology empty(Instant time, Duration window) {
    return new Topology(time, window, List.of(), List.of(), List.of());
  }
}
