package io.smm.backend.topology;

import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.DaemonThreads;
import io.smm.backend.PartErrors;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.PrometheusException;
import io.smm.backend.prometheus.QueryScope;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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
  /** How long an answer serves identical requests: a third of Istio's 15 s scrape interval, within which little new arrives. */
  public static final Duration ANSWER_REUSE = Duration.ofSeconds(5);
  /**
   * How long LIVE views go straight to the raw metrics after one found no recorded series (rules
   * not installed, a user's own Prometheus): the rules' interval, after which they would have run.
   */
  static final Duration NO_RULES_MEMORY = Duration.ofSeconds(MeshRecordingRules.WINDOW_SECONDS);
  /** Rough heap held by a kept answer per node and per edge (records, their strings, health). */
  static final long BYTES_PER_NODE = 1024;
  static final long BYTES_PER_EDGE = 512;

  /** What a request asks for (time null: LIVE); equal keys get the same answer. */
  private record Question(Set<String> namespaces, Instant time, Duration window, boolean idleNodes, TopologyNode.Grouping grouping) {}

  private final PrometheusClient prometheus;
  private final ClusterQueries clusters;
  private final HealthService health;
  private final String cluster;
  private final Executor blocking;
  private final SharedEvaluations<Question, Topology> shared;
  private final EvaluationSlots slots;
  private final LongSupplier nanoClock;
  private final Clock wall;
  private final LiveViews<Question, Topology> live;
  private final ScheduledThreadPoolExecutor timer;
  /** nanoClock time until which LIVE views skip the recorded attempt; null: try it. */
  private volatile Long rawUntil;

  /**
   * LIVE views kept warm: for 5 minutes after their last ask (Kiali keeps one 10), each refresh done
   * a second before the ask it is for; at most 64 views, and answers of at most an eighth of the heap.
   * Answers are served up to 5 minutes old, and the page says how old past one: when the background
   * falls behind (more views than the machine evaluates per interval), an evaluation for the ask
   * would be as old by the time it arrives, and the page would wait for it.
   */
  static LiveViews.Limits liveViewLimits(long maxHeapBytes) {
    return new LiveViews.Limits(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(5), 64, maxHeapBytes / 8);
  }

  public TopologyService(PrometheusClient prometheus, ClusterQueries clusters, HealthService health, String cluster, Executor blocking) {
    this(prometheus, clusters, health, cluster, blocking, Clock.systemUTC());
  }

  /** @param wall what LIVE means: its now (a benchmark's data lies in the past) */
  public TopologyService(PrometheusClient prometheus, ClusterQueries clusters, HealthService health, String cluster, Executor blocking,
      Clock wall) {
    this(prometheus, clusters, health, cluster, blocking, ANSWER_REUSE, System::nanoTime,
        EvaluationSlots.forHeap(Runtime.getRuntime().maxMemory()), wall);
  }

  TopologyService(PrometheusClient prometheus, ClusterQueries clusters, HealthService health, String cluster, Executor blocking,
      Duration answerReuse, LongSupplier nanoClock) {
    this(prometheus, clusters, health, cluster, blocking, answerReuse, nanoClock, EvaluationSlots.forHeap(Runtime.getRuntime().maxMemory()),
        Clock.systemUTC());
  }

  TopologyService(PrometheusClient prometheus, ClusterQueries clusters, HealthService health, String cluster, Executor blocking,
      Duration answerReuse, LongSupplier nanoClock, EvaluationSlots slots, Clock wall) {
    this.prometheus = prometheus;
    this.clusters = clusters;
    this.health = health;
    this.cluster = cluster;
    this.blocking = blocking;
    this.shared = new SharedEvaluations<>(answerReuse.toNanos(), 64, nanoClock);
    this.slots = slots;
    this.nanoClock = nanoClock;
    this.wall = wall;
    // One daemon thread only starts refreshes: they run on the Prometheus client's threads. A refresh
    // brought forward replaces its plan: the replaced one leaves the queue at once.
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("topology-live-views"));
    timer.setRemoveOnCancelPolicy(true);
    this.timer = timer;
    LiveViews.Timer after = (delayNanos, task) -> {
      try {
        ScheduledFuture<?> f = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      } catch (RejectedExecutionException closed) {
        return () -> { };
      }
    };
    this.live = new LiveViews<>(liveViewLimits(Runtime.getRuntime().maxMemory()), after, nanoClock,
        question -> shared(question, QueryScope.BACKGROUND),
        t -> t.nodes().size() * BYTES_PER_NODE + t.edges().size() * BYTES_PER_EDGE);
  }

  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes) {
    return topology(namespaces, time, window, idleNodes, TopologyNode.Grouping.WORKLOAD);
  }

  /** @param grouping one node per workload, app (all versions), namespace or cluster */
  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes,
      TopologyNode.Grouping grouping) {
    return topology(namespaces, time, window, idleNodes, grouping, null);
  }

  /**
   * @param refresh LIVE only: the asker will ask again this often (a dashboard's refresh interval), so
   *     the view is kept warm in the background and answered from its latest evaluation ({@link LiveViews});
   *     null: evaluated for this ask
   */
  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes,
      TopologyNode.Grouping grouping, Duration refresh) {
    Question question = new Question(Set.copyOf(namespaces), time, window, idleNodes, grouping);
    QueryScope asker = QueryScope.current();
    return time == null && refresh != null ? live.get(question, refresh, () -> shared(question, asker)) : shared(question, asker);
  }

  /**
   * Identical questions share one evaluation (fifty open dashboards, one TIMELINE instant looked at
   * by many), and an answer serves for a few seconds; it stops when everyone waiting for it hung up.
   * At most a few evaluations at once, each holding its graph (EvaluationSlots); the others wait their turn.
   */
  private CompletableFuture<Topology> shared(Question q, QueryScope asker) {
    return shared.get(q, asker, scope -> slots.run(scope, () -> evaluate(q.namespaces(), q.time(), q.window(), q.idleNodes(), q.grouping())));
  }

  /** Stops keeping LIVE views warm. */
  public void close() {
    timer.shutdownNow();
  }

  /** A TIMELINE instant (time given) or LIVE (null: now, straight to the raw metrics while the rules are known missing). */
  private CompletableFuture<Topology> evaluate(Set<String> namespaces, Instant time, Duration window, boolean idleNodes,
      TopologyNode.Grouping grouping) {
    if (time != null) {
      return evaluate(namespaces, time, window, idleNodes, grouping, true);
    }
    Long until = rawUntil;
    boolean rulesMissing = until != null && nanoClock.getAsLong() - until < 0;
    return evaluate(namespaces, Instant.now(wall), window, idleNodes, grouping, !rulesMissing).thenApply(t -> {
      // Traffic in the raw metrics and none recorded: the rules are missing (an idle namespace proves nothing).
      if (!rulesMissing && t.telemetry() == TelemetryQueries.Source.RAW && window.toSeconds() == MeshRecordingRules.WINDOW_SECONDS
          && t.errors().isEmpty() && !t.edges().isEmpty()) {
        rawUntil = nanoClock.getAsLong() + NO_RULES_MEMORY.toNanos();
      }
      return t;
    });
  }

  /** @param preferRecorded read the recording rules' series where they exist (false: the raw metrics, to compare) */
  CompletableFuture<Topology> evaluate(Set<String> namespaces, Instant at, Duration window, boolean idleNodes,
      TopologyNode.Grouping grouping, boolean preferRecorded) {
    PartErrors errors = new PartErrors();
    TopologyBuilder builder = new TopologyBuilder(cluster, grouping);
    // Each request gathers its own answers and applies them on one thread at the end: builders are
    // not thread-safe, and nothing is shared between requests, so concurrent users never wait for each other.
    // The recorded aggregates first (1 minute windows only); the raw metrics when Prometheus has
    // none for this instant: rules not installed (a user's own Prometheus), not evaluated yet, or
    // a TIMELINE instant from before they existed.
    QueryScope scope = QueryScope.current();
    CompletableFuture<Traffic> traffic = !preferRecorded || window.toSeconds() != MeshRecordingRules.WINDOW_SECONDS
        ? traffic(TelemetryQueries.Source.RAW, namespaces, at, window, grouping, builder)
        : traffic(TelemetryQueries.Source.RECORDED, namespaces, at, window, grouping, builder).thenCompose(recorded ->
            recorded.found() || !recorded.errors().list().isEmpty() ? CompletableFuture.completedFuture(recorded)
                : scope.run(() -> traffic(TelemetryQueries.Source.RAW, namespaces, at, window, grouping, builder)));
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
    // In a cluster registry's mesh, only its clusters: a detached peer's last series leave the graph with it.
    CompletableFuture<Optional<ClusterQueries.MeshMembership>> members = CompletableFuture.supplyAsync(clusters::meshMembership, blocking)
        .exceptionally(e -> {
          errors.add("cluster registry", e);
          return Optional.empty();
        });
    return traffic.thenCombine(known, (t, workloads) -> {
      t.parts().forEach(Part::apply);
      workloads.forEach(w -> builder.known(w, idleNodes));
      return t;
    }).thenCombine(members, (t, membership) -> {
      Topology built = builder.build(at, window, List.of());
      // This backend's own cluster always stays: telemetry without a cluster label is filed under it.
      return new Built(t, membership.map(m -> built.onlyClusters(plus(m.clusters(), cluster)).withStaleClusters(m.unreachable()))
          .orElse(built));
    }).thenCombine(scores, (b, healthById) -> {
      Traffic t = b.traffic();
      Topology graph = b.graph();
      List<TopologyNode> nodes = graph.nodes().stream().map(n -> {
        List<HealthScore> timeline = healthById.get(n.id());
        return timeline == null || timeline.isEmpty() ? n : n.withHealth(timeline.get(timeline.size() - 1));
      }).toList();
      List<String> problems = new ArrayList<>(t.errors().list());
      problems.addAll(errors.list());
      PrometheusException.Kind failure = t.errors().prometheusKind() != null ? t.errors().prometheusKind() : errors.prometheusKind();
      return new Topology(graph.time(), graph.window(), nodes, graph.edges(), problems, failure, t.source(), graph.staleClusters());
    });
  }

  private static Set<String> plus(Set<String> names, String name) {
    Set<String> all = new java.util.HashSet<>(names);
    all.add(name);
    return all;
  }

  /** The graph built from one attempt's traffic, before health is joined in. */
  private record Built(Traffic traffic, Topology graph) {}

  /** The traffic parts of one attempt, answered: from which series, and what failed. */
  private record Traffic(TelemetryQueries.Source source, List<Part> parts, PartErrors errors) {
    boolean found() {
      return parts.stream().anyMatch(p -> !p.samples().join().isEmpty());
    }
  }

  private CompletableFuture<Traffic> traffic(TelemetryQueries.Source source, Set<String> namespaces, Instant at, Duration window,
      TopologyNode.Grouping grouping, TopologyBuilder builder) {
    PartErrors errors = new PartErrors();
    boolean recorded = source == TelemetryQueries.Source.RECORDED;
    List<Part> parts = new ArrayList<>(List.of(
        part("request rates", recorded ? TelemetryQueries.recorded(MeshRecordingRules.REQUESTS, namespaces)
            : TelemetryQueries.requestRates(namespaces, window), at, builder::requests, errors)));
    if (recorded && grouping == TopologyNode.Grouping.WORKLOAD) {
      // P95 per edge from Prometheus (recorded, or from the recorded buckets of the namespaces): one number
      // per edge instead of every bucket (P50 and P99 are left out). Grouped nodes merge edges, so they fold
      // the buckets here.
      for (TelemetryQueries.Half half : TelemetryQueries.Half.values()) {
        parts.add(part("latency (" + half.describe() + ")", TelemetryQueries.latencyP95(half, namespaces), at,
            s -> builder.latencyQuantile(s, half), errors));
      }
    } else {
      parts.add(part("latency", recorded ? TelemetryQueries.recorded(MeshRecordingRules.DURATION_BUCKETS, namespaces)
          : TelemetryQueries.durationBuckets(namespaces, window), at, builder::durationBucket, errors));
    }
    parts.addAll(List.of(
        part("TCP bytes sent", recorded ? TelemetryQueries.recorded(MeshRecordingRules.TCP_SENT, namespaces)
            : TelemetryQueries.tcpBytes("sent", namespaces, window), at, builder::tcpSent, errors),
        part("TCP bytes received", recorded ? TelemetryQueries.recorded(MeshRecordingRules.TCP_RECEIVED, namespaces)
            : TelemetryQueries.tcpBytes("received", namespaces, window), at, builder::tcpReceived, errors),
        part("mTLS", recorded ? TelemetryQueries.recorded(MeshRecordingRules.SECURITY, namespaces)
            : TelemetryQueries.security(namespaces, window), at, builder::security, errors)));
    return CompletableFuture.allOf(parts.stream().map(Part::samples).toArray(CompletableFuture[]::new))
        .thenApply(ignored -> new Traffic(source, parts, errors));
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
