package io.smm.backend.health;

import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.cluster.ControllerNames;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.QueryScope;
import io.smm.backend.prometheus.Series;
import io.smm.backend.telemetry.EntityIds;
import io.smm.backend.telemetry.RequestOutcome;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.backend.telemetry.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Health timelines of services (judged by what their clients get) and workloads (by what their
 * own sidecars served), from HTTP/gRPC requests and TCP connections: one range query per signal from {@code baseline} before the first step
 * to the last, then {@link HealthScorer} at every step against the points before it.
 */
public final class HealthService {

  private final PrometheusClient prometheus;
  private final HealthScorer scorer;
  private final String defaultCluster;
  private final Supplier<CompletableFuture<Boolean>> enabled;

  /** What a timeline request covers: steps from end - range to end, each judged on window, against baseline before it. */
  public record Span(Instant end, Duration range, Duration step, Duration window, Duration baseline) {
    public static Span at(Instant end) {
      return new Span(end, Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(60));
    }
  }

  public HealthService(PrometheusClient prometheus, HealthScorer scorer, String defaultCluster) {
    this(prometheus, scorer, defaultCluster, () -> CompletableFuture.completedFuture(true));
  }

  /**
   * @param enabled whether health is computed at all (the ControlPlane's smm.health.enabled), read
   *     once per request and off the caller's thread: it is a Kubernetes read
   */
  public HealthService(PrometheusClient prometheus, HealthScorer scorer, String defaultCluster,
      Supplier<CompletableFuture<Boolean>> enabled) {
    this.prometheus = prometheus;
    this.scorer = scorer;
    this.defaultCluster = defaultCluster;
    this.enabled = enabled;
  }

  /**
   * Node id (as the topology names services and workloads) -> health at each step, oldest first;
   * empty when health is switched off.
   */
  public CompletableFuture<Map<String, List<HealthScore>>> timelines(Set<String> namespaces, Span span) {
    return timelinesIfEnabled(namespaces, span).thenApply(t -> t.orElse(Map.of()));
  }

  /**
   * As {@link #timelines}, empty when health is switched off: the manual lets users switch it off
   * (smm.health.enabled: false) to spare Prometheus the ~30% it costs; then no health query is sent
   * and every node's health is unknown.
   */
  public CompletableFuture<Optional<Map<String, List<HealthScore>>>> timelinesIfEnabled(Set<String> namespaces, Span span) {
    QueryScope scope = QueryScope.current(); // the switch is read on another thread: the queries stay this request's
    return enabled.get().thenCompose(on -> on ? scope.run(() -> scored(namespaces, span)).thenApply(Optional::of)
        : CompletableFuture.completedFuture(Optional.empty()));
  }

  /**
   * Read from the mesh's recorded series when the window is theirs (1 minute) and they exist from
   * the start of the baseline on (their rules ran then); from the raw metrics otherwise.
   */
  private CompletableFuture<Map<String, List<HealthScore>>> scored(Set<String> namespaces, Span span) {
    Instant start = span.end().minus(span.range()).minus(span.baseline());
    if (span.window().toSeconds() != MeshRecordingRules.WINDOW_SECONDS) {
      return timelines(namespaces, span, start, TelemetryQueries.Source.RAW);
    }
    QueryScope scope = QueryScope.current();
    return prometheus.instant("count(" + MeshRecordingRules.REQUESTS.record() + ")", start).exceptionally(e -> List.of())
        .thenCompose(probe -> scope.run(() -> timelines(namespaces, span, start,
            probe.isEmpty() ? TelemetryQueries.Source.RAW : TelemetryQueries.Source.RECORDED)));
  }

  /** The same, from the series {@code source} names, whether they exist or not. */
  public CompletableFuture<Map<String, List<HealthScore>>> timelines(Set<String> namespaces, Span span, Instant start,
      TelemetryQueries.Source source) {
    boolean recorded = source == TelemetryQueries.Source.RECORDED;
    Duration w = span.window();
    var serviceOutcomes = range(recorded ? TelemetryQueries.Recorded.serviceOutcomes(namespaces)
        : TelemetryQueries.serviceOutcomes(namespaces, w), start, span);
    var serviceP95 = range(recorded ? TelemetryQueries.Recorded.serviceP95(namespaces) : TelemetryQueries.serviceP95(namespaces, w), start, span);
    var workloadOutcomes = range(recorded ? TelemetryQueries.Recorded.workloadOutcomes(namespaces)
        : TelemetryQueries.workloadOutcomes(namespaces, w), start, span);
    var workloadP95 = range(recorded ? TelemetryQueries.Recorded.workloadP95(namespaces) : TelemetryQueries.workloadP95(namespaces, w),
        start, span);
    var serviceTcp = range(recorded ? TelemetryQueries.Recorded.serviceTcpConnections(namespaces)
        : TelemetryQueries.serviceTcpConnections(namespaces, w), start, span);
    var workloadTcp = range(recorded ? TelemetryQueries.Recorded.workloadTcpConnections(namespaces)
        : TelemetryQueries.workloadTcpConnections(namespaces, w), start, span);
    // Saturation is a bonus: without the kubelet's metrics health is judged on traffic alone.
    var podCpu = range(TelemetryQueries.podCpuCores(namespaces, w), start, span).exceptionally(e -> List.of());
    return CompletableFuture.allOf(serviceOutcomes, serviceP95, workloadOutcomes, workloadP95, serviceTcp, workloadTcp, podCpu)
        .thenApply(ignored -> {
      Map<String, Signals> signals = new HashMap<>();
      add(signals, serviceOutcomes.join(), serviceP95.join(), true);
      add(signals, workloadOutcomes.join(), workloadP95.join(), false);
      // TCP services (databases) have no requests: their traffic is connections, which never count as errors.
      add(signals, serviceTcp.join(), List.of(), true);
      add(signals, workloadTcp.join(), List.of(), false);
      addCpu(signals, podCpu.join());
      Map<String, List<HealthScore>> out = new TreeMap<>();
      long first = span.end().minus(span.range()).getEpochSecond();
      signals.forEach((id, s) -> out.put(id, s.score(scorer, first, span)));
      return out;
    });
  }

  private CompletableFuture<List<Series>> range(String promql, Instant start, Span span) {
    return prometheus.range(promql, start, span.end(), span.step());
  }

  /** Per node: rps, error rps and p95 at each timestamp of the range. */
  private static final class Signals {
    final TreeMap<Long, double[]> byTime = new TreeMap<>(); // {rps, errors, p95, cpu}

    double[] at(long t) {
      return byTime.computeIfAbsent(t, k -> new double[] {0, 0, Double.NaN, Double.NaN});
    }

    List<HealthScore> score(HealthScorer scorer, long firstStep, Span span) {
      List<HealthScore> out = new ArrayList<>();
      long window = span.window().toSeconds();
      long stepSeconds = Math.max(1, span.step().toSeconds());
      for (long t = firstStep; t <= span.end().getEpochSecond(); t += stepSeconds) {
        double[] now = nearest(t, stepSeconds);
        // The baseline ends a window before t, so it does not contain the behaviour being judged.
        var before = byTime.subMap(t - span.baseline().toSeconds(), true, t - window, false).values();
        double[] rps = before.stream().mapToDouble(v -> v[0]).toArray();
        double[] p95 = before.stream().mapToDouble(v -> v[2]).toArray();
        double[] cpu = before.stream().mapToDouble(v -> v[3]).toArray();
        double r = now == null ? 0 : now[0];
        out.add(scorer.score(t, r, r > 0 ? now[1] / r : 0, now == null ? Double.NaN : now[2], now == null ? Double.NaN : now[3], rps,
            p95, cpu));
      }
      return out;
    }

    private double[] nearest(long t, long step) {
      var e = byTime.floorEntry(t);
      return e != null && t - e.getKey() < step ? e.getValue() : null;
    }
  }

  private void add(Map<String, Signals> signals, List<Series> outcomes, List<Series> p95, boolean services) {
    for (Series s : outcomes) {
      String id = id(s.labels(), services);
      boolean error = RequestOutcome.isError(s.labels());
      Signals sig = signals.computeIfAbsent(id, k -> new Signals());
      for (Series.Point p : s.points()) {
        double[] v = sig.at(p.epochSecond());
        v[0] += p.value();
        v[1] += error ? p.value() : 0;
      }
    }
    for (Series s : p95) {
      Signals sig = signals.computeIfAbsent(id(s.labels(), services), k -> new Signals());
      for (Series.Point p : s.points()) {
        sig.at(p.epochSecond())[2] = p.value();
      }
    }
  }

  /**
   * Adds each pod's CPU to its workload: cAdvisor series carry no workload, so a pod belongs to the
   * workload (of those with traffic in its namespace) whose pod naming it follows, the longest
   * name winning (payments-v1-x-y is payments-v1's, not payments').
   */
  private static void addCpu(Map<String, Signals> signals, List<Series> podCpu) {
    Map<String, List<String>> workloadsByNamespace = new HashMap<>();
    signals.keySet().stream().filter(id -> id.startsWith("workload:")).forEach(id -> {
      String path = id.substring(id.indexOf('/') + 1); // namespace/name
      workloadsByNamespace.computeIfAbsent(path.substring(0, path.indexOf('/')), k -> new ArrayList<>()).add(id);
    });
    for (Series s : podCpu) {
      String pod = s.labels().getOrDefault("pod", "");
      String owner = null;
      for (String id : workloadsByNamespace.getOrDefault(s.labels().getOrDefault("namespace", ""), List.of())) {
        String name = id.substring(id.lastIndexOf('/') + 1);
        if (ControllerNames.podOf(pod, name) && (owner == null || id.length() > owner.length())) {
          owner = id;
        }
      }
      if (owner != null) {
        Signals sig = signals.get(owner);
        for (Series.Point p : s.points()) {
          double[] v = sig.at(p.epochSecond());
          v[3] = (Double.isNaN(v[3]) ? 0 : v[3]) + p.value();
        }
      }
    }
  }

  private String id(Map<String, String> l, boolean service) {
    if (service) {
      return ServiceRef.of(l, defaultCluster).id();
    }
    String cluster = l.getOrDefault("destination_cluster", "");
    cluster = cluster.isEmpty() || cluster.equals("unknown") ? defaultCluster : cluster;
    return EntityIds.workload(cluster, l.getOrDefault("destination_workload_namespace", ""),
        l.getOrDefault("destination_workload", "unknown"));
  }
}
