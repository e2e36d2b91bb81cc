package io.smm.backend.graphql;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironment;
import io.smm.backend.PartErrors;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthService;
import io.smm.backend.prometheus.PrometheusException;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.signals.Scope;
import io.smm.backend.signals.SignalPoint;
import io.smm.backend.topology.Topology;
import io.smm.backend.topology.TopologyEdge;
import io.smm.backend.topology.TopologyNode;
import io.smm.backend.topology.TopologyService;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The topology and health queries: arguments checked, results shaped for GraphQL (NaN becomes
 * null), Prometheus failures returned next to whatever could still be answered.
 */
final class MeshResolvers {

  private final TopologyService topology;
  private final HealthService health;
  private final GoldenSignalsService signals;
  private final java.util.concurrent.Executor blocking;

  MeshResolvers(TopologyService topology, HealthService health, GoldenSignalsService signals, java.util.concurrent.Executor blocking) {
    this.topology = topology;
    this.health = health;
    this.signals = signals;
    this.blocking = blocking;
  }

  CompletableFuture<DataFetcherResult<Map<String, Object>>> goldenSignals(DataFetchingEnvironment env) {
    Scope scope = new Scope(Scope.Kind.valueOf(env.getArgument("kind")), env.getArgument("namespace"), env.getArgument("name"));
    TimeSeriesArguments a = TimeSeriesArguments.of(env);
    // Metrics are not Kubernetes objects RBAC could filter: a caller sees those of namespaces they may get pods in.
    return SmmGraphQL.allowed(env, c -> {
      if (scope.kind() == Scope.Kind.MESH) {
        c.requireAll();
      } else {
        c.require(scope.namespace());
      }
    }, blocking).thenCompose(c -> signals.signals(scope, a.end(), a.range(), a.step(), a.window())).thenApply(g -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("inbound", g.inbound().stream().map(MeshResolvers::point).toList());
      out.put("outbound", g.outbound().stream().map(MeshResolvers::point).toList());
      out.put("saturation", g.saturation().stream().map(MeshResolvers::saturation).toList());
      out.put("errors", g.errors());
      DataFetcherResult.Builder<Map<String, Object>> result = DataFetcherResult.<Map<String, Object>>newResult().data(out);
      if (!g.errors().isEmpty()) {
        result.error(GraphqlErrorBuilder.newError(env).message("partial golden signals: " + String.join("; ", g.errors()))
            .extensions(Map.of("code", code(g.errors(), null))).build());
      }
      return result.build();
    });
  }

  private static Map<String, Object> point(SignalPoint p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", Instant.ofEpochSecond(p.epochSecond()).toString());
    m.put("requestsPerSecond", p.requestsPerSecond());
    m.put("errorRatio", p.errorRatio());
    m.put("p50Ms", finite(p.p50Ms()));
    m.put("p95Ms", finite(p.p95Ms()));
    m.put("p99Ms", finite(p.p99Ms()));
    return m;
  }

  private static Map<String, Object> saturation(io.smm.backend.signals.SaturationPoint p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", Instant.ofEpochSecond(p.epochSecond()).toString());
    m.put("cpuCores", finite(p.cpuCores()));
    m.put("memoryBytes", finite(p.memoryBytes()));
    m.put("proxyCpuCores", finite(p.proxyCpuCores()));
    m.put("proxyMemoryBytes", finite(p.proxyMemoryBytes()));
    return m;
  }

  static Map<String, Object> controlPlane(io.smm.backend.mesh.ControlPlaneInfo c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("namespace", c.namespace());
    m.put("revision", c.revision());
    m.put("version", c.version());
    m.put("status", c.status());
    m.put("proxies", c.proxies());
    m.put("proxiesNotReady", c.proxiesNotReady());
    m.put("proxyCpuCores", finite(c.proxyCpuCores()));
    m.put("proxyMemoryBytes", finite(c.proxyMemoryBytes()));
    m.put("outboundTrafficPolicy", c.outboundTrafficPolicy());
    m.put("autoMtls", c.autoMtls());
    return m;
  }

  CompletableFuture<DataFetcherResult<Map<String, Object>>> topology(DataFetchingEnvironment env) {
    Instant time = instant(env.getArgument("time"), "time");
    Duration window = seconds(env.getArgument("windowSeconds"), 60, "windowSeconds");
    boolean idle = !Boolean.FALSE.equals(env.getArgument("idleNodes"));
    Instant at = time == null ? Instant.now() : time;
    var grouping = io.smm.backend.topology.TopologyNode.Grouping.valueOf(env.<String>getArgument("groupBy"));
    return SmmGraphQL.async(env, c -> Seen.of(c, grouping == io.smm.backend.topology.TopologyNode.Grouping.CLUSTER,
        env.getArgument("namespaces")), blocking).thenCompose(seen -> {
      if (seen.nothing()) {
        return CompletableFuture.completedFuture(DataFetcherResult.<Map<String, Object>>newResult()
            .data(view(new Topology(at, window, List.of(), List.of(), List.of()), Map.of(), List.of())).build());
      }
      var graph = topology.topology(seen.namespaces(), at, window, idle, grouping).thenApply(seen::cut);
      var scores = health.timelines(seen.namespaces(), new HealthService.Span(at, Duration.ZERO, window, window, Duration.ofHours(1)))
          .handle((h, e) -> e == null ? new Outcome<>(h, null) : new Outcome<Map<String, List<HealthScore>>>(Map.of(), e));
      return graph.thenCombine(scores, (t, h) -> {
        List<String> errors = new ArrayList<>(t.errors());
        if (h.error() != null) {
          errors.add("health: " + PartErrors.messageOf(h.error()));
        }
        Map<String, Object> out = view(t, h.value(), errors);
        DataFetcherResult.Builder<Map<String, Object>> result = DataFetcherResult.<Map<String, Object>>newResult().data(out);
        if (!errors.isEmpty()) {
          result.error(GraphqlErrorBuilder.newError(env).message("partial topology: " + String.join("; ", errors))
              .extensions(Map.of("code", code(errors, h.error()))).build());
        }
        return result.build();
      });
    });
  }

  CompletableFuture<List<Map<String, Object>>> health(DataFetchingEnvironment env) {
    TimeSeriesArguments a = TimeSeriesArguments.of(env);
    return SmmGraphQL.async(env, c -> Seen.of(c, false, env.getArgument("namespaces")), blocking).thenCompose(seen -> seen.nothing()
        ? CompletableFuture.completedFuture(List.<Map<String, Object>>of())
        : health.timelines(seen.namespaces(), new HealthService.Span(a.end(), a.range(), a.step(), a.window(), Duration.ofHours(1)))
        .thenApply(m -> {
          List<Map<String, Object>> out = new ArrayList<>();
          m.forEach((id, timeline) -> {
            if (seen.showsNode(id)) {
              out.add(Map.of("id", id, "timeline", timeline.stream().map(MeshResolvers::health).toList()));
            }
          });
          return out;
        }));
  }

  /**
   * The namespaces a caller's graph may show: those asked for (each must be visible) or all they
   * see. A node of a namespace they may not see is cut with its edges, so neither its name nor
   * its traffic reaches them; nodes outside any namespace (unknown, external) stay.
   */
  private record Seen(Set<String> namespaces, io.smm.backend.auth.NamespaceAccess.Visible visible, boolean nothing) {
    /** Blocking: asks the API server on a cache miss. */
    static Seen of(io.smm.backend.auth.Caller caller, boolean mixesNamespaces, List<String> requested) {
      if (mixesNamespaces) {
        caller.requireAll(); // a cluster node sums every namespace's traffic
      }
      List<String> within = Callers.within(caller, requested);
      return new Seen(within == null ? Set.of() : Set.copyOf(within), caller.visible(), within != null && within.isEmpty());
    }

    Topology cut(Topology t) {
      if (visible.all()) {
        return t;
      }
      List<TopologyNode> nodes = t.nodes().stream().filter(n -> n.namespace() == null || n.namespace().isEmpty()
          || visible.contains(n.namespace())).toList();
      Set<String> kept = new java.util.HashSet<>();
      nodes.forEach(n -> kept.add(n.id()));
      List<TopologyEdge> edges = t.edges().stream().filter(e -> kept.contains(e.source()) && kept.contains(e.target())).toList();
      return new Topology(t.time(), t.window(), nodes, edges, t.errors());
    }

    /** Node ids are kind:cluster/namespace/name; those without a namespace part are not any namespace's. */
    boolean showsNode(String id) {
      if (visible.all()) {
        return true;
      }
      int slash = id.indexOf('/');
      if (slash < 0) {
        return true;
      }
      int end = id.indexOf('/', slash + 1);
      return visible.contains(end < 0 ? id.substring(slash + 1) : id.substring(slash + 1, end));
    }
  }

  private record Outcome<T>(T value, Throwable error) {}

  /** end (default now), rangeSeconds, stepSeconds, windowSeconds of a time-series query, checked. */
  private record TimeSeriesArguments(Instant end, Duration range, Duration step, Duration window) {
    static TimeSeriesArguments of(DataFetchingEnvironment env) {
      Instant end = instant(env.getArgument("end"), "end");
      Duration range = seconds(env.getArgument("rangeSeconds"), 1800, "rangeSeconds");
      Duration step = seconds(env.getArgument("stepSeconds"), 60, "stepSeconds");
      Duration window = seconds(env.getArgument("windowSeconds"), 60, "windowSeconds");
      if (range.toSeconds() / step.toSeconds() > 1440) {
        throw new IllegalArgumentException("rangeSeconds / stepSeconds must be at most 1440 points");
      }
      return new TimeSeriesArguments(end == null ? Instant.now() : end, range, step, window);
    }
  }

  static Map<String, Object> overview(io.smm.backend.mesh.MeshOverview o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestsPerSecond", finite(o.requestsPerSecond()));
    m.put("errorRatio", finite(o.errorRatio()));
    m.put("p95Ms", finite(o.p95Ms()));
    m.put("clusters", o.clusters());
    m.put("services", o.services());
    m.put("workloads", o.workloads());
    m.put("pods", o.pods());
    m.put("validationIssues", o.validationIssues());
    m.put("serviceHealth", o.serviceHealth().entrySet().stream()
        .map(e -> Map.<String, Object>of("status", e.getKey(), "count", e.getValue())).toList());
    m.put("errors", o.errors());
    return m;
  }

  private static Map<String, Object> view(Topology t, Map<String, List<HealthScore>> health, List<String> errors) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("time", t.time().toString());
    out.put("windowSeconds", (int) t.window().toSeconds());
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (TopologyNode n : t.nodes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", n.id());
      m.put("type", n.type().name());
      m.put("cluster", n.cluster());
      m.put("namespace", n.namespace());
      m.put("name", n.name());
      m.put("app", n.app());
      m.put("version", n.version());
      m.put("idle", n.idle());
      List<HealthScore> timeline = health.get(n.id());
      m.put("health", timeline == null || timeline.isEmpty() ? null : health(timeline.get(timeline.size() - 1)));
      nodes.add(m);
    }
    out.put("nodes", nodes);
    List<Map<String, Object>> edges = new ArrayList<>();
    for (TopologyEdge e : t.edges()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", e.source());
      m.put("target", e.target());
      m.put("protocol", e.protocol());
      m.put("requestsPerSecond", e.requestsPerSecond());
      m.put("errorRatio", e.errorRatio());
      m.put("p50Ms", finite(e.p50()));
      m.put("p95Ms", finite(e.p95()));
      m.put("p99Ms", finite(e.p99()));
      m.put("tcpSentBytesPerSecond", e.tcpSentBytesPerSecond());
      m.put("tcpReceivedBytesPerSecond", e.tcpReceivedBytesPerSecond());
      m.put("mtls", finite(e.mtlsRatio()));
      m.put("responseCodes", new TreeSet<>(e.responseCodes().keySet()).stream()
          .map(c -> Map.<String, Object>of("code", c, "requestsPerSecond", e.responseCodes().get(c))).toList());
      edges.add(m);
    }
    out.put("edges", edges);
    out.put("errors", errors);
    return out;
  }

  private static Map<String, Object> health(HealthScore s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", Instant.ofEpochSecond(s.epochSecond()).toString());
    m.put("score", s.score());
    m.put("status", s.status().name());
    m.put("requestsPerSecond", s.requestsPerSecond());
    m.put("errorRatio", s.errorRatio());
    m.put("p95Ms", finite(s.p95Ms()));
    m.put("reasons", s.reasons());
    return m;
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String code(List<String> errors, Throwable healthError) {
    Throwable t = healthError;
    while (t != null && !(t instanceof PrometheusException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof PrometheusException p) {
      return "PROMETHEUS_" + p.kind().name();
    }
    return errors.stream().anyMatch(e -> e.contains("did not answer")) ? "PROMETHEUS_TIMEOUT" : "PROMETHEUS_UNAVAILABLE";
  }

  private static Instant instant(String text, String argument) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(argument + " must be an RFC 3339 instant like 2026-11-25T14:00:00Z, not \"" + text + "\"");
    }
  }

  private static Duration seconds(Integer value, int fallback, String argument) {
    int v = value == null ? fallback : value;
    if (v < 1 || v > 86_400) {
      throw new IllegalArgumentException(argument + " must be between 1 and 86400");
    }
    return Duration.ofSeconds(v);
  }

}
