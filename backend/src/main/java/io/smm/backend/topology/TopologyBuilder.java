package io.smm.backend.topology;

import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.EntityIds;
import io.smm.backend.telemetry.HistogramQuantile;
import io.smm.backend.telemetry.RequestOutcome;
import io.smm.backend.telemetry.ServiceRef;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the results of the {@link TelemetryQueries} into a graph: each series is one client -> service
 * -> server path, contributing to the edge client -> service and the edge service -> server
 * (Kiali's graph with service nodes). Rates add up; latency quantiles come from the summed
 * histogram buckets; series with missing labels (older Istio, traffic from outside the mesh) end
 * in "unknown" nodes instead of failing. Grouped by namespace or cluster, a series is one edge
 * from the client's group to the server's (the service's when the server is unknown), so nothing
 * is counted twice.
 */
public final class TopologyBuilder {

  private final String defaultCluster;
  private final TopologyNode.Grouping grouping;
  private final boolean byApp;
  private final Map<String, TopologyNode> nodes = new LinkedHashMap<>();
  /** Workload node id -> GATEWAY or VM, from what Kubernetes says the workload is. */
  private final Map<String, TopologyNode.Type> kinds = new HashMap<>();
  private final Map<String, EdgeTotals> edges = new LinkedHashMap<>();

  private static final class EdgeTotals {
    final String source;
    final String target;
    final String protocol;
    double requests;
    double errors;
    double tcpSent;
    double tcpReceived;
    double secured;
    double securityKnown;
    final Map<String, Double> codes = new HashMap<>();
    final Map<Double, Double> buckets = new HashMap<>();
    /** Quantile -> ms, when Prometheus computed them (then the buckets are not read). */
    final Map<Double, Double> quantiles = new HashMap<>();

    EdgeTotals(String source, String target, String protocol) {
      this.source = source;
      this.target = target;
      this.protocol = protocol;
    }
  }

  public TopologyBuilder(String defaultCluster) {
    this(defaultCluster, TopologyNode.Grouping.WORKLOAD);
  }

  /**
   * @param grouping APP merges the workloads of one app (all its versions) into one node, as
   *     Kiali's app graph does; NAMESPACE and CLUSTER merge everything of one
   */
  public TopologyBuilder(String defaultCluster, TopologyNode.Grouping grouping) {
    this.defaultCluster = defaultCluster;
    this.grouping = grouping;
    this.byApp = grouping == TopologyNode.Grouping.APP;
  }

  private boolean grouped() {
    return grouping == TopologyNode.Grouping.NAMESPACE || grouping == TopologyNode.Grouping.CLUSTER;
  }

  /** The NAMESPACE or CLUSTER node everything of this namespace belongs to. */
  private String group(String cluster, String namespace, boolean idle) {
    String id = grouping == TopologyNode.Grouping.CLUSTER ? EntityIds.cluster(cluster) : EntityIds.namespace(cluster, namespace);
    TopologyNode existing = nodes.get(id);
    if (existing == null || (existing.idle() && !idle)) {
      nodes.put(id, grouping == TopologyNode.Grouping.CLUSTER
          ? new TopologyNode(id, TopologyNode.Type.CLUSTER, cluster, "", cluster, "", "", idle)
          : new TopologyNode(id, TopologyNode.Type.NAMESPACE, cluster, namespace, namespace, "", "", idle));
    }
    return id;
  }

  /** One series of {@link TelemetryQueries#requestRates}. */
  public TopologyBuilder requests(Sample s) {
    boolean failed = RequestOutcome.isError(s.labels());
    for (EdgeTotals e : path(s)) {
      e.requests += s.value();
      e.errors += failed ? s.value() : 0;
      e.codes.merge(RequestOutcome.code(s.labels()), s.value(), Double::sum);
    }
    return this;
  }

  public TopologyBuilder durationBucket(Sample s) {
    double le = Double.parseDouble(s.label("le").replace("+Inf", "Infinity"));
    for (EdgeTotals e : path(s)) {
      e.buckets.merge(le, s.value(), Double::sum);
    }
    return this;
  }

  /**
   * A latency quantile Prometheus computed for an edge of one half ({@link TelemetryQueries#latencyP95});
   * the edge's other quantiles are then unknown. One node per workload only: app, namespace and
   * cluster nodes merge edges, and quantiles do not add up.
   */
  public TopologyBuilder latencyQuantile(Sample s, TelemetryQueries.Half half) {
    if (grouping != TopologyNode.Grouping.WORKLOAD) {
      throw new IllegalStateException("quantiles per edge need one node per workload, not per " + grouping);
    }
    String protocol = protocol(s);
    EdgeTotals e;
    if (half == TelemetryQueries.Half.CLIENT_SERVICE) {
      e = edge(clientNode(s), serviceNode(s), protocol);
    } else {
      String server = serverNode(s);
      if (server == null) {
        return this;
      }
      e = edge(serviceNode(s), server, protocol);
    }
    // Label sets that name one edge differently (a missing cluster label is the default cluster) keep the slower.
    e.quantiles.merge(Double.parseDouble(s.label("quantile")), s.value(), (a, b) -> Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b));
    return this;
  }

  public TopologyBuilder tcpSent(Sample s) {
    for (EdgeTotals e : path(s)) {
      e.tcpSent += s.value();
    }
    return this;
  }

  public TopologyBuilder tcpReceived(Sample s) {
    for (EdgeTotals e : path(s)) {
      e.tcpReceived += s.value();
    }
    return this;
  }

  /** One series of {@link TelemetryQueries#security}: traffic the server saw with that connection_security_policy. */
  public TopologyBuilder security(Sample s) {
    boolean mtls = s.label("connection_security_policy").equals("mutual_tls");
    for (EdgeTotals e : path(s)) {
      e.securityKnown += s.value();
      e.secured += mtls ? s.value() : 0;
    }
    return this;
  }

  /** A workload Kubernetes knows; shown idle unless traffic involves it. */
  public TopologyBuilder known(KnownWorkload w) {
    return known(w, true);
  }

  /** @param idleNode whether to show it without traffic; otherwise only what it is (gateway, VM) is noted */
  public TopologyBuilder known(KnownWorkload w, boolean idleNode) {
    if (w.type() != TopologyNode.Type.WORKLOAD) {
      kinds.put(EntityIds.workload(w.cluster(), w.namespace(), w.name()), w.type());
    }
    if (!idleNode) {
      return this;
    }
    if (grouped()) {
      group(w.cluster(), w.namespace(), true);
      return this;
    }
    if (byApp && !unknown(w.app())) {
      String id = EntityIds.app(w.cluster(), w.namespace(), w.app());
      nodes.putIfAbsent(id, new TopologyNode(id, TopologyNode.Type.APP, w.cluster(), w.namespace(), w.app(), w.app(), "", true));
      return this;
    }
    String id = EntityIds.workload(w.cluster(), w.namespace(), w.name());
    nodes.putIfAbsent(id, new TopologyNode(id, TopologyNode.Type.WORKLOAD, w.cluster(), w.namespace(), w.name(), w.app(), w.version(), true));
    return this;
  }

  public Topology build(Instant time, Duration window, List<String> errors) {
    List<TopologyEdge> out = new ArrayList<>();
    for (EdgeTotals e : edges.values()) {
      List<HistogramQuantile.Bucket> b = e.buckets.entrySet().stream()
          .map(x -> new HistogramQuantile.Bucket(x.getKey(), x.getValue())).toList();
      out.add(new TopologyEdge(e.source, e.target, e.protocol, e.requests, e.requests > 0 ? e.errors / e.requests : 0,
          quantile(e, 0.5, b), quantile(e, 0.95, b), quantile(e, 0.99, b), e.tcpSent, e.tcpReceived,
          e.securityKnown > 0 ? e.secured / e.securityKnown : Double.NaN, Map.copyOf(e.codes)));
    }
    out.sort(Comparator.comparing(TopologyEdge::source).thenComparing(TopologyEdge::target).thenComparing(TopologyEdge::protocol));
    List<TopologyNode> n = new ArrayList<>(nodes.values().stream()
        .map(node -> kinds.containsKey(node.id()) ? node.withType(kinds.get(node.id())) : node).toList());
    n.sort(Comparator.comparing(TopologyNode::id));
    return new Topology(time, window, n, out, List.copyOf(errors));
  }

  private static double quantile(EdgeTotals e, double q, List<HistogramQuantile.Bucket> buckets) {
    return e.quantiles.isEmpty() ? HistogramQuantile.of(q, buckets) : e.quantiles.getOrDefault(q, Double.NaN);
  }

  private static String protocol(Sample s) {
    return s.label("request_protocol").isEmpty() ? "unknown" : s.label("request_protocol");
  }

  /** The edges a series contributes to: client -> service, and service -> server when the server is known. */
  private List<EdgeTotals> path(Sample s) {
    String protocol = protocol(s);
    String client = clientNode(s);
    String service = serviceNode(s);
    if (grouped()) {
      String server = serverNode(s);
      return List.of(edge(client, server != null ? server : service, protocol));
    }
    List<EdgeTotals> out = new ArrayList<>(2);
    out.add(edge(client, service, protocol));
    String server = serverNode(s);
    if (server != null) {
      out.add(edge(service, server, protocol));
    }
    return out;
  }

  private EdgeTotals edge(String from, String to, String protocol) {
    return edges.computeIfAbsent(from + "->" + to + "|" + protocol, k -> new EdgeTotals(from, to, protocol));
  }

  private String clientNode(Sample s) {
    String workload = s.label("source_workload");
    String namespace = s.label("source_workload_namespace");
    if (unknown(workload) || unknown(namespace)) {
      nodes.putIfAbsent(EntityIds.UNKNOWN, new TopologyNode(EntityIds.UNKNOWN, TopologyNode.Type.UNKNOWN, "unknown", "",
          "unknown", "", "", false));
      return EntityIds.UNKNOWN;
    }
    return workload(cluster(s.label("source_cluster")), namespace, workload, s.label("source_app"), s.label("source_version"));
  }

  private String serviceNode(Sample s) {
    ServiceRef service = ServiceRef.of(s.labels(), defaultCluster);
    if (grouped() && !service.external()) {
      return group(service.cluster(), service.namespace(), false);
    }
    nodes.putIfAbsent(service.id(), new TopologyNode(service.id(), service.external() ? TopologyNode.Type.EXTERNAL
        : TopologyNode.Type.SERVICE, service.cluster(), service.namespace(), service.name(), "", "", false));
    return service.id();
  }

  private String serverNode(Sample s) {
    String workload = s.label("destination_workload");
    String namespace = s.label("destination_workload_namespace");
    if (unknown(workload) || unknown(namespace)) {
      return null; // external or unresolved: the edge ends at the service
    }
    return workload(cluster(s.label("destination_cluster")), namespace, workload, s.label("destination_app"),
        s.label("destination_version"));
  }

  private String workload(String cluster, String namespace, String name, String app, String version) {
    if (grouped()) {
      return group(cluster, namespace, false);
    }
    if (byApp && !unknown(app)) {
      String id = EntityIds.app(cluster, namespace, app);
      TopologyNode existing = nodes.get(id);
      if (existing == null || existing.idle()) {
        nodes.put(id, new TopologyNode(id, TopologyNode.Type.APP, cluster, namespace, app, app, "", false));
      }
      return id;
    }
    String id = EntityIds.workload(cluster, namespace, name);
    TopologyNode existing = nodes.get(id);
    if (existing == null || existing.idle()) {
      nodes.put(id, new TopologyNode(id, TopologyNode.Type.WORKLOAD, cluster, namespace, name, unknown(app) ? "" : app,
          unknown(version) ? "" : version, false));
    }
    return id;
  }

  private String cluster(String label) {
    return unknown(label) ? defaultCluster : label;
  }

  private static boolean unknown(String v) {
    return v == null || v.isEmpty() || v.equals("unknown");
  }
}
