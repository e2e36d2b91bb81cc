package io.smm.backend.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The mesh at {@code time} over the {@code window} before it. {@code errors} lists what could not
 * be read (a Prometheus query that failed): the rest is still returned.
 */
public record Topology(Instant time, Duration window, List<TopologyNode> nodes, List<TopologyEdge> edges, List<String> errors) {}
