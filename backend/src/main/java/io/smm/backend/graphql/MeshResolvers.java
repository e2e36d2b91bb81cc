package io.smm.backend.graphql;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthService;
import io.smm.backend.load.LoadGenerator;
import io.smm.backend.mesh.MeshOverview;
import io.smm.backend.mesh.MeshOverviewService;
import io.smm.backend.prometheus.PrometheusException;
import io.smm.backend.signals.GoldenSignals;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.signals.Scope;
import io.smm.backend.topology.Topology;
import io.smm.backend.topology.TopologyEdge;
import io.smm.backend.topology.TopologyNode;
import io.smm.backend.topology.TopologyService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The mesh and what flows through it: the overview, control planes, topology (with health),
 * health timelines, golden signals, and test load. Arguments are checked; Prometheus failures are
 * returned next to whatever could still be answered, as a GraphQL error with
 * {@code extensions.code} PROMETHEUS_UNAVAILABLE / PROMETHEUS_TIMEOUT / PROMETHEUS_BAD_QUERY.
 */
record MeshResolvers(TopologyService topology, HealthService health, GoldenSignalsService signals, MeshOverviewService overview,
    CallerServices callers, Executor blocking) {

  record StatusCount(String status, int count) {}

  record ResponseCodeRate(String code, double requestsPerSecond) {}

  record NodeHealth(String id, List<HealthScore> timeline) {}

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("meshOverview", this::overview)
        .dataFetcher("controlPlanes", env -> Callers.allowed(env, Caller::requireAll, blocking).thenCompose(c -> overview.controlPlanes()))
        // Names of the product's own rules only, nothing of any namespace: every signed-in user may see them.
        .dataFetcher("recordingRules", env -> {
          Callers.of(env);
          return Callers.scope(env).run(overview::recordingRules);
        })
        .dataFetcher("controlPlane", env -> {
          Duration range = Duration.ofSeconds(Arguments.between(env, "rangeSeconds", 300, 86_400));
          return Callers.allowed(env, Caller::requireAll, blocking).thenCompose(c -> callers.controlPlaneDetails()
              .detail(env.getArgument("namespace"), env.getArgument("name"), range));
        })
        .dataFetcher("goldenSignals", this::goldenSignals)
        .dataFetcher("topology", this::topology)
        .dataFetcher("health", this::health));
    wiring.type("MeshOverview", t -> t.dataFetcher("serviceHealth", FiniteProperties.<MeshOverview>derived(o -> o.serviceHealth()
        .entrySet().stream().map(e -> new StatusCount(e.getKey(), e.getValue())).toList())));
    wiring.type("Topology", t -> t.dataFetcher("windowSeconds", FiniteProperties.<Topology>derived(g -> (int) g.window().toSeconds())));
    wiring.type("TopologyEdge", t -> t
        .dataFetcher("p50Ms", FiniteProperties.<TopologyEdge>derived(TopologyEdge::p50))
        .dataFetcher("p95Ms", FiniteProperties.<TopologyEdge>derived(TopologyEdge::p95))
        .dataFetcher("p99Ms", FiniteProperties.<TopologyEdge>derived(TopologyEdge::p99))
        .dataFetcher("mtls", FiniteProperties.<TopologyEdge>derived(TopologyEdge::mtlsRatio))
        .dataFetcher("responseCodes", FiniteProperties.<TopologyEdge>derived(e -> new TreeSet<>(e.responseCodes().keySet()).stream()
            .map(code -> new ResponseCodeRate(code, e.responseCodes().get(code))).toList())));
    wiring.type("Mutation", t -> t.dataFetcher("generateLoad", env -> {
      Map<String, Object> in = env.getArgument("input");
      @SuppressWarnings("unchecked")
      List<Map<String, String>> headers = (List<Map<String, String>>) in.getOrDefault("headers", List.of());
      var request = new LoadGenerator.Request((String) in.get("namespace"), (String) in.get("url"), (String) in.get("method"),
          Arguments.labels(headers), ((Number) in.get("requestsPerSecond")).doubleValue(), (Integer) in.get("durationSeconds"));
      return Callers.async(env, c -> callers.load(c).start(request), blocking);
    }));
  }

  private CompletableFuture<MeshOverview> overview(DataFetchingEnvironment env) {
    Duration window = Duration.ofSeconds(Math.max(1, Math.min(86_400, env.<Integer>getArgument("windowSeconds"))));
    // A user who may read only some namespaces gets the overview of those.
    return Callers.async(env, c -> Callers.within(c, null), blocking).thenCompose(ns -> ns == null ? overview.overview(window)
        : ns.isEmpty() ? CompletableFuture.completedFuture(MeshOverview.NOTHING) : overview.overview(window, Set.copyOf(ns)));
  }

  private CompletableFuture<DataFetcherResult<GoldenSignals>> goldenSignals(DataFetchingEnvironment env) {
    Scope scope = new Scope(Scope.Kind.valueOf(env.getArgument("kind")), env.getArgument("namespace"), env.getArgument("name"));
    Arguments.TimeSeries a = Arguments.TimeSeries.of(env);
    // Metrics are not Kubernetes objects RBAC could filter: a caller sees those of namespaces they may get pods in.
    return Callers.allowed(env, c -> {
      if (scope.kind() == Scope.Kind.MESH) {
        c.requireAll();
      } else {
        c.require(scope.namespace());
      }
    }, blocking).thenCompose(c -> signals.signals(scope, a.end(), a.range(), a.step(), a.window()))
        .thenApply(g -> partial(env, g, "partial golden signals", g.errors(), null));
  }

  private CompletableFuture<DataFetcherResult<Topology>> topology(DataFetchingEnvironment env) {
    Instant time = Arguments.instant(env.getArgument("time"), "time");
    Duration window = Arguments.seconds(env.getArgument("windowSeconds"), 60, "windowSeconds");
    boolean idle = !Boolean.FALSE.equals(env.getArgument("idleNodes"));
    Instant at = time == null ? Instant.now() : time;
    var grouping = TopologyNode.Grouping.valueOf(env.<String>getArgument("groupBy"));
    Duration refresh = env.getArgument("refreshSeconds") == null ? null : liveRefresh(env, time);
    // LIVE goes as no time: identical LIVE views share their evaluation (an instant each would not).
    return Callers.async(env, c -> Seen.of(c, grouping == TopologyNode.Grouping.CLUSTER, env.getArgument("namespaces")), blocking)
        .thenCompose(seen -> seen.nothing() ? CompletableFuture.completedFuture(Topology.empty(at, window))
            : topology.topology(seen.namespaces(), time, window, idle, grouping, refresh).thenApply(seen::cut))
        .thenApply(t -> partial(env, t, "partial topology", t.errors(), t.failure()));
  }

  /** A LIVE view's refresh interval, 5 s to 1 h; refused for a TIMELINE instant, which does not change. */
  private static Duration liveRefresh(DataFetchingEnvironment env, Instant time) {
    if (time != null) {
      throw new IllegalArgumentException("refreshSeconds is for LIVE views: leave it out with time");
    }
    return Duration.ofSeconds(Arguments.between(env, "refreshSeconds", 5, 3600));
  }

  private CompletableFuture<List<NodeHealth>> health(DataFetchingEnvironment env) {
    Arguments.TimeSeries a = Arguments.TimeSeries.of(env);
    return Callers.async(env, c -> Seen.of(c, false, env.getArgument("namespaces")), blocking).thenCompose(seen -> seen.nothing()
        ? CompletableFuture.completedFuture(List.<NodeHealth>of())
        : health.timelines(seen.namespaces(), new HealthService.Span(a.end(), a.range(), a.step(), a.window(), Duration.ofHours(1)))
        .thenApply(m -> {
          List<NodeHealth> out = new ArrayList<>();
          m.forEach((id, timeline) -> {
            if (seen.showsNode(id)) {
              out.add(new NodeHealth(id, timeline));
            }
          });
          return out;
        }));
  }

  /** The answer, with a GraphQL error naming the parts that could not be read when some could not. */
  private static <T> DataFetcherResult<T> partial(DataFetchingEnvironment env, T data, String what, List<String> errors,
      PrometheusException.Kind failure) {
    DataFetcherResult.Builder<T> result = DataFetcherResult.<T>newResult().data(data);
    if (!errors.isEmpty()) {
      result.error(GraphqlErrorBuilder.newError(env).message(what + ": " + String.join("; ", errors))
          .extensions(Map.of("code", code(errors, failure))).build());
    }
    return result.build();
  }

  private static String code(List<String> errors, PrometheusException.Kind failure) {
    if (failure != null) {
      return "PROMETHEUS_" + failure.name();
    }
    return errors.stream().anyMatch(e -> e.contains("did not answer")) ? "PROMETHEUS_TIMEOUT" : "PROMETHEUS_UNAVAILABLE";
  }

  /**
   * The namespaces a caller's graph may show: those asked for (each must be visible) or all they
   * see. A node of a namespace they may not see is cut with its edges, so neither its name nor
   * its traffic reaches them; nodes outside any namespace (unknown, external) stay.
   */
  private record Seen(Set<String> namespaces, NamespaceAccess.Visible visible, boolean nothing) {
    /** Blocking: asks the API server on a cache miss. */
    static Seen of(Caller caller, boolean mixesNamespaces, List<String> requested) {
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
      Set<String> kept = new HashSet<>();
      nodes.forEach(n -> kept.add(n.id()));
      List<TopologyEdge> edges = t.edges().stream().filter(e -> kept.contains(e.source()) && kept.contains(e.target())).toList();
      return new Topology(t.time(), t.window(), nodes, edges, t.errors(), t.failure(), t.telemetry(), t.staleClusters());
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
}
