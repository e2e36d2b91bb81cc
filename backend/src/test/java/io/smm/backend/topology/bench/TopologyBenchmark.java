package io.smm.backend.topology.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.backend.topology.Topology;
import io.smm.backend.topology.TopologyNode;
import io.smm.backend.topology.TopologyService;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Benchmark, not a test: a synthetic mesh of N workloads in 10 namespaces with 5N edges (each with
 * two response codes, Istio's 20 duration buckets, TCP bytes and mTLS series) is written as
 * OpenMetrics, imported with promtool into a real Prometheus, and the live topology of all
 * namespaces is queried. Reports per N the median wall time of the backend's topology alone
 * (health switched off; with the Kubernetes workloads it lists, as the API serves it: the N
 * Deployments live in an embedded API server), the median wall time of its queries sent straight
 * to Prometheus with the same concurrency (the floor), their ratio, the JVM's and Prometheus' CPU
 * seconds per request (robust on a busy machine), the page's full query (topology + health), the
 * rules' own cost per evaluation in Prometheus, the heap used after the query and the most a
 * request held (heap after any collection, above what was in use before), and 50 users asking
 * at once, on one view and on 50 views of their own: their p50/p95 against one user's; 50 users
 * refreshing LIVE views of their own every 15 s, as the page does (answered from the views the
 * backend keeps evaluated): the refreshes' p50/p95 and the served answers' age; and the
 * Topology page in headless Chromium (every node, and namespaces collapsed as it opens). The
 * raw-metrics path is measured first, then the recording rules are backfilled (promtool) and the
 * recorded path measured. Writes backend/target/topology-bench.json.
 */
public final class TopologyBenchmark {

  static final double[] BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
      1800000, 3600000};

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args.length > 0 ? args[0].split(",") : new String[] {"100", "1000"}) {
      sizes.add(Integer.parseInt(a.trim()));
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path out = Path.of(args.length > 2 ? args[2] : "backend/target/topology-bench.json");
    StringBuilder json = new StringBuilder("{\n  \"results\": [\n");
    for (int i = 0; i < sizes.size(); i++) {
      json.append(run(sizes.get(i), rounds)).append(i + 1 < sizes.size() ? ",\n" : "\n");
    }
    json.append("  ]\n}\n");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json);
    System.out.print(json);
  }

  static final int USERS = 50;
  static final ExecutorService users50 = Executors.newFixedThreadPool(USERS, r -> {
    Thread t = new Thread(r, "bench-user");
    t.setDaemon(true);
    return t;
  });

  static final LiveHeap liveHeap = new LiveHeap();

  static String run(int workloads, int rounds) throws Exception {
    EmbeddedApiServer api = null;
    KubernetesClient kube = null;
    Path dir = Files.createTempDirectory("smm-topology-bench");
    // On a minute: the rules backfill evaluates every 60 s from a minute boundary, and one evaluation must fall on the last sample.
    long now = Instant.now().getEpochSecond() / 60 * 60 - 60;
    long t0 = System.nanoTime();
    long series = writeOpenMetrics(dir.resolve("mesh.om"), workloads, now);
    Path data = dir.resolve("data");
    exec("promtool", "tsdb", "create-blocks-from", "openmetrics", dir.resolve("mesh.om").toString(), data.toString());
    Files.delete(dir.resolve("mesh.om"));
    double importSeconds = (System.nanoTime() - t0) / 1e9;
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(dir.resolve("prometheus.yml"), "global: {}\n");
    Process prometheus = prometheus(dir, data, port);
    try {
      String url = "http://127.0.0.1:" + port;
      awaitReady(url);
      awaitIdle(prometheus);
      // Half a minute after the last sample: rule groups evaluate at an offset of their own (the backfill too), so the
      // recorded sample of the last minute lies a few seconds after it; the raw 1 minute window still holds two samples.
      Instant at = Instant.ofEpochSecond(now + 30);
      Duration window = Duration.ofMinutes(1);
      PrometheusClient client = new PrometheusClient(URI.create(url), Duration.ofMinutes(5), 8);
      api = EmbeddedApiServer.start(0);
      kube = api.newClient();
      deployments(kube, workloads);
      TopologyService service = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1", () -> CompletableFuture.completedFuture(false)),
          "c1", ForkJoinPool.commonPool());
      // Phase 1, no recording rules: the topology (alone, as its floor) falls back to the raw metrics.
      Measured raw = measure(service, url, rawQueries(window), at, now, rounds, TelemetryQueries.Source.RAW);
      // Phase 2: the rules backfilled over the last minutes (promtool, as for rules added to a running
      // Prometheus), Prometheus restarted on the blocks: the topology reads the recorded series.
      // A backfill cannot chain rules (it queries this Prometheus, which does not hold what it records): the rules over
      // the recorded series (quantiles) go in a second pass, once the first pass' blocks are loaded.
      long t1 = System.nanoTime();
      for (List<MeshRecordingRules.Rule> pass : List.of(MeshRecordingRules.BASE, MeshRecordingRules.DERIVED)) {
        Path rules = dir.resolve("mesh.rules.yml");
        Files.writeString(rules, MeshRecordingRules.ruleFile(pass));
        Path recordedBlocks = dir.resolve("recorded");
        exec("promtool", "tsdb", "create-blocks-from", "rules", "--quiet", "--start=" + (now - 180), "--end=" + (now + 60),
            "--url=" + url, "--output-dir=" + recordedBlocks, rules.toString());
        prometheus.destroy();
        prometheus.waitFor();
        try (var blocks = Files.list(recordedBlocks)) {
          for (Path b : blocks.toList()) {
            Files.move(b, data.resolve(b.getFileName()));
          }
        }
        deleteTree(recordedBlocks);
        prometheus = prometheus(dir, data, port);
        awaitReady(url);
      }
      double backfillSeconds = (System.nanoTime() - t1) / 1e9;
      // Health compares with the hour before: the series it reads, as the rules recorded them now, for an hour of steady
      // traffic before (the synthetic raw history is a minute long; an hour of it would be gigabytes).
      Path history = dir.resolve("history.om");
      writeHistory(client, history, now, at);
      exec("promtool", "tsdb", "create-blocks-from", "openmetrics", history.toString(), dir.resolve("history").toString());
      Files.delete(history);
      prometheus.destroy();
      prometheus.waitFor();
      try (var blocks = Files.list(dir.resolve("history"))) {
        for (Path b : blocks.toList()) {
          Files.move(b, data.resolve(b.getFileName()));
        }
      }
      prometheus = prometheus(dir, data, port);
      awaitReady(url);
      if (client.instant("count(" + MeshRecordingRules.REQUESTS.record() + ")", at.minus(Duration.ofHours(1))).join().isEmpty()) {
        throw new IllegalStateException("no recorded history an hour back: health would read the raw metrics");
      }
      awaitIdle(prometheus); // a restart on new blocks compacts them first: not part of what is measured
      // One evaluation of the rule group as Prometheus runs it: every rule in order, at the instant the topology is asked
      // for (the recorded series of the last evaluation are there for the rules over them); count() so that
      // Prometheus evaluates each in full but does not encode its answer (a rule appends it instead).
      long ruleCpu0 = cpuTicks(prometheus);
      long ruleWall0 = System.nanoTime();
      StringBuilder perRule = new StringBuilder();
      for (MeshRecordingRules.Rule rule : MeshRecordingRules.ALL) {
        long r0 = cpuTicks(prometheus);
        raw(url, List.of("count(" + rule.expr() + ")"), at.getEpochSecond());
        perRule.append(perRule.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s%s\": %.2f", rule.record(),
            rule.labels().isEmpty() ? "" : rule.labels(), (cpuTicks(prometheus) - r0) / 100.0));
      }
      double ruleSeconds = (System.nanoTime() - ruleWall0) / 1e9;
      double ruleCpuSeconds = (cpuTicks(prometheus) - ruleCpu0) / 100.0;
      // A new service: the first one remembers its answers to these questions for a few seconds.
      TopologyService recordedService = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1"), "c1", ForkJoinPool.commonPool());
      // The topology alone (health switched off): what the recorded queries above answer.
      TopologyService topologyOnly = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1", () -> CompletableFuture.completedFuture(false)),
          "c1", ForkJoinPool.commonPool());
      Measured recorded = measure(topologyOnly, url, recordedQueries(), at, now, rounds, TelemetryQueries.Source.RECORDED);
      long promCpu0 = cpuTicks(prometheus);
      long jvmCpu0 = cpuNanos();
      for (int r = 0; r < rounds; r++) {
        topologyOnly.topology(Set.of(), at.plusMillis(50 + r), window, false).join();
      }
      double topologyJvmCpu = (cpuNanos() - jvmCpu0) / 1e9 / rounds;
      double topologyPrometheusCpu = (cpuTicks(prometheus) - promCpu0) / 100.0 / rounds;
      Topology last = recorded.last();
      List<Double> backend = recorded.backend();
      List<Double> floor = recorded.floor();
      // The page's query: the topology with every node's health (against an hour of baseline, recorded).
      double heapBefore = liveHeap.reset();
      long cpu0 = cpuNanos();
      long dashboardPromCpu0 = cpuTicks(prometheus);
      List<Double> dashboard = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        long s = System.nanoTime();
        recordedService.topology(Set.of(), at.plusMillis(100 + r), window, false).join();
        dashboard.add((System.nanoTime() - s) / 1e9);
      }
      double cpuPerRequest = (cpuNanos() - cpu0) / 1e9 / rounds;
      double dashboardPrometheusCpu = (cpuTicks(prometheus) - dashboardPromCpu0) / 100.0 / rounds;
      List<Double> single = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        long s = System.nanoTime();
        recordedService.topology(Set.of(), at.plusMillis(200 + r), window, false).join();
        single.add((System.nanoTime() - s) / 1e9);
      }
      double heapOneUser = liveHeap.highWaterMiB() - heapBefore;
      // 50 users at once: on one view (what single-flight shares), and each on a view of their own
      // (instants a millisecond apart: the same data, nothing shared; what the fair share spreads).
      List<Double> sameView = concurrently(USERS, u -> recordedService.topology(Set.of(), at.plusMillis(300), window, false).join());
      heapBefore = liveHeap.reset();
      List<Double> distinct = concurrently(USERS, u -> recordedService.topology(Set.of(), at.plusMillis(400 + u), window, false).join());
      double heapDistinctViews = liveHeap.highWaterMiB() - heapBefore;
      if (!last.errors().isEmpty()) {
        throw new IllegalStateException("topology errors: " + last.errors());
      }
      // The page in Chromium, served by the backend (the dashboard as last built): every node, and namespaces collapsed.
      List<Rendered> everyNode = new ArrayList<>();
      List<Rendered> collapsed = new ArrayList<>();
      try (SmmServer server = new SmmServer(kube, "c1", URI.create(url)); HeadlessChromium chromium = new HeadlessChromium()) {
        String page = "http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, ServerOptions.NO_ALS).anonymous())
            + "/#/topology?time=" + at;
        for (int r = 0; r < Math.min(rounds, 3); r++) {
          everyNode.add(render(chromium, page + "&collapse=none"));
          collapsed.add(render(chromium, page));
        }
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      // 50 users on LIVE views of their own, as the Topology page asks: every 15 s, saying so, so that the
      // backend keeps each view evaluated in the background and answers the refreshes from it. Last: the
      // background work and the garbage it leaves would slow the page drawn in Chromium above.
      LiveUsers live = liveUsers(kube, client, at, window, workloads, prometheus);
      double one = median(single);
      return String.format(Locale.ROOT, "    {\"workloads\": %d, \"edges\": %d, \"series\": %d, \"importSeconds\": %.1f, "
          + "\"nodes\": %d, \"topologyEdges\": %d, \"telemetry\": \"%s\", \"topologySeconds\": %.3f, \"prometheusSeconds\": %.3f, "
          + "\"ratio\": %.2f, \"rawTopologySeconds\": %.3f, \"rawPrometheusSeconds\": %.3f, \"rawRatio\": %.2f, "
          + "\"topologyJvmCpuSeconds\": %.3f, \"topologyPrometheusCpuSeconds\": %.3f, \"dashboardSeconds\": %.3f, "
          + "\"dashboardPrometheusCpuSeconds\": %.3f, \"backfillSeconds\": %.1f, \"ruleEvaluationPrometheusCpuSeconds\": %.3f, "
          + "\"ruleEvaluationSeconds\": %.3f, \"heapAfterMiB\": %.0f, \"heapNeedOneUserMiB\": %.0f, \"heapNeed50ViewsMiB\": %.0f, "
          + "\"jvmCpuSecondsPerRequest\": %.3f, \"concurrentUsers\": %d, "
          + "\"singleUserSeconds\": %.3f, \"sameViewP50Seconds\": %.3f, \"sameViewP95Seconds\": %.3f, \"sameViewP95Ratio\": %.2f, "
          + "\"distinctViewsP50Seconds\": %.3f, \"distinctViewsP95Seconds\": %.3f, \"distinctViewsP95Ratio\": %.2f, "
          + "\"liveViewsFirstP95Seconds\": %.3f, \"liveViewsRefreshP50Seconds\": %.3f, \"liveViewsRefreshP95Seconds\": %.3f, "
          + "\"liveViewsRefreshP95Ratio\": %.2f, \"liveViewsServedAgeP50Seconds\": %.1f, \"liveViewsServedAgeP95Seconds\": %.1f, "
          + "\"liveViewsBackgroundCpuShare\": %.2f, "
          + "\"pageNodes\": %d, \"pageSeconds\": %.3f, \"pageRenderSeconds\": %.3f, "
          + "\"collapsedPageNodes\": %d, \"collapsedPageSeconds\": %.3f, \"collapsedPageRenderSeconds\": %.3f, "
          + "\"rulePrometheusCpuSeconds\": {%s}}",
          workloads, 5 * workloads, series, importSeconds, last.nodes().size(), last.edges().size(), last.telemetry(), median(backend),
          median(floor), median(backend) / median(floor), median(raw.backend()), median(raw.floor()),
          median(raw.backend()) / median(raw.floor()), topologyJvmCpu, topologyPrometheusCpu, median(dashboard), dashboardPrometheusCpu,
          backfillSeconds, ruleCpuSeconds, ruleSeconds, heap / 1048576.0, heapOneUser, heapDistinctViews, cpuPerRequest, USERS, one,
          percentile(sameView, 0.5), percentile(sameView, 0.95), percentile(sameView, 0.95) / one,
          percentile(distinct, 0.5), percentile(distinct, 0.95), percentile(distinct, 0.95) / one,
          percentile(live.first(), 0.95), percentile(live.refreshes(), 0.5), percentile(live.refreshes(), 0.95),
          percentile(live.refreshes(), 0.95) / one, percentile(live.ages(), 0.5), percentile(live.ages(), 0.95), live.cpuShare(),
          everyNode.get(0).nodes(), median(everyNode.stream().map(Rendered::pageSeconds).toList()),
          median(everyNode.stream().map(Rendered::drawSeconds).toList()), collapsed.get(0).nodes(),
          median(collapsed.stream().map(Rendered::pageSeconds).toList()), median(collapsed.stream().map(Rendered::drawSeconds).toList()),
          perRule);
    } finally {
      if (kube != null) {
        kube.close();
      }
      if (api != null) {
        api.close();
      }
      prometheus.destroy();
      prometheus.waitFor();
      deleteTree(dir);
    }
  }

  record Measured(List<Double> backend, List<Double> floor, Topology last) {}

  /**
   * Seconds of the first asks (all at once, nothing kept yet), of the refreshes after, how old the
   * answers served were, and the CPU (JVM and Prometheus, in cores) while they refreshed.
   */
  record LiveUsers(List<Double> first, List<Double> refreshes, List<Double> ages, double cpuShare) {}

  static final Duration LIVE_REFRESH = Duration.ofSeconds(15);
  static final int LIVE_REFRESHES = 4;

  /**
   * Each user's view of workloads: all namespaces but one (10 users) or but two (40): 50 different
   * questions, each most of the mesh (what one user's page query asks for all of). LIVE is the
   * data's last instant, moving on in real time from there.
   */
  static LiveUsers liveUsers(KubernetesClient kube, PrometheusClient client, Instant at, Duration window, int workloads, Process prometheus)
      throws IOException {
    Clock dataClock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), at));
    TopologyService service = new TopologyService(client, new ClusterQueries(kube, "c1"),
        new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1"), "c1", ForkJoinPool.commonPool(), dataClock);
    try {
      int namespaces = Math.min(10, workloads);
      List<Set<Integer>> left = new ArrayList<>();
      for (int a = 0; a < namespaces; a++) {
        left.add(Set.of(a));
      }
      for (int a = 0; a < namespaces; a++) {
        for (int b = a + 1; b < namespaces; b++) {
          left.add(Set.of(a, b));
        }
      }
      IntFunction<Topology> ask = u -> service.topology(IntStream.range(0, namespaces)
          .filter(n -> !left.get(u % left.size()).contains(n)).mapToObj(n -> "ns" + n).collect(Collectors.toSet()), null,
          window, true, TopologyNode.Grouping.WORKLOAD, LIVE_REFRESH).join();
      List<Double> first = concurrently(USERS, ask::apply);
      List<Double> refreshes = Collections.synchronizedList(new ArrayList<>());
      List<Double> ages = Collections.synchronizedList(new ArrayList<>());
      long cpu0 = cpuNanos(prometheus);
      long wall0 = System.nanoTime();
      concurrently(USERS, u -> {
        long s = System.nanoTime();
        for (int r = 0; r < LIVE_REFRESHES; r++) {
          try {
            // The page asks an interval after its last ask started.
            Thread.sleep(Math.max(0, LIVE_REFRESH.toMillis() - (System.nanoTime() - s) / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          s = System.nanoTime();
          Topology t = ask.apply(u);
          refreshes.add((System.nanoTime() - s) / 1e9);
          ages.add(Duration.between(t.time(), Instant.now(dataClock)).toMillis() / 1000.0);
        }
      });
      double cpuShare = (cpuNanos(prometheus) - cpu0) / (double) (System.nanoTime() - wall0);
      return new LiveUsers(first, refreshes, ages, cpuShare);
    } finally {
      service.close();
    }
  }

  /** Nodes drawn, seconds from opening the page until they are, and of that the dashboard's own drawing (to the next frame). */
  record Rendered(int nodes, double pageSeconds, double drawSeconds) {}

  static Rendered render(HeadlessChromium chromium, String page) throws Exception {
    chromium.open("about:blank");
    long s = System.nanoTime();
    chromium.open(page);
    long deadline = s + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode drawn = chromium.eval("(() => { const g = document.querySelector('[data-testid=topology-graph]');"
          + " return g && g.dataset.layouts === '1' && g.dataset.renderMs !== '0' ? g.dataset.nodeCount + ' ' + g.dataset.renderMs : null; })()");
      if (drawn.isTextual()) {
        String[] v = drawn.asText().split(" ");
        return new Rendered(Integer.parseInt(v[0]), (System.nanoTime() - s) / 1e9, Double.parseDouble(v[1]) / 1000);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the topology page did not draw within 5 minutes: " + page);
  }

  /** Median inputs for the backend's topology (which must come from {@code expected}) and for its queries sent straight to Prometheus. */
  static Measured measure(TopologyService service, String url, List<String> queries, Instant at, long now, int rounds,
      TelemetryQueries.Source expected) {
    Duration window = Duration.ofMinutes(1);
    service.topology(Set.of(), at, window, false).join(); // warm-up: caches on both sides
    raw(url, queries, at.getEpochSecond());
    List<Double> backend = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    Topology last = null;
    for (int r = 0; r < rounds; r++) {
      long s = System.nanoTime();
      raw(url, queries, at.getEpochSecond());
      floor.add((System.nanoTime() - s) / 1e9);
      s = System.nanoTime();
      // A millisecond apart: the same data, but another question each round (identical ones share an answer).
      last = service.topology(Set.of(), at.plusMillis(r + 1), window, false).join();
      backend.add((System.nanoTime() - s) / 1e9);
    }
    if (last.telemetry() != expected) {
      throw new IllegalStateException("the topology was read from " + last.telemetry() + " series, expected " + expected);
    }
    return new Measured(backend, floor, last);
  }

  static List<String> rawQueries(Duration window) {
    return List.of(TelemetryQueries.requestRates(Set.of(), window), TelemetryQueries.durationBuckets(Set.of(), window),
        TelemetryQueries.tcpBytes("sent", Set.of(), window), TelemetryQueries.tcpBytes("received", Set.of(), window),
        TelemetryQueries.security(Set.of(), window));
  }

  /** What the topology of the whole mesh reads when the rules ran (one node per workload). */
  static List<String> recordedQueries() {
    List<String> queries = new ArrayList<>();
    queries.add(TelemetryQueries.recorded(MeshRecordingRules.REQUESTS, Set.of()));
    for (TelemetryQueries.Half half : TelemetryQueries.Half.values()) {
      queries.add(TelemetryQueries.latencyP95(half, Set.of()));
    }
    for (MeshRecordingRules.Rule r : List.of(MeshRecordingRules.TCP_SENT, MeshRecordingRules.TCP_RECEIVED, MeshRecordingRules.SECURITY)) {
      queries.add(TelemetryQueries.recorded(r, Set.of()));
    }
    return queries;
  }

  /** What health reads, as recorded at {@code at}, once a minute over the hour before the synthetic raw minute ({@code now}). */
  static void writeHistory(PrometheusClient prometheus, Path file, long now, Instant at) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (MeshRecordingRules.Rule rule : List.of(MeshRecordingRules.REQUESTS, MeshRecordingRules.TCP_CONNECTIONS,
          MeshRecordingRules.WORKLOAD_REQUESTS, MeshRecordingRules.WORKLOAD_TCP_CONNECTIONS, MeshRecordingRules.SERVICE_P95,
          MeshRecordingRules.WORKLOAD_P95)) {
        List<Sample> recorded = prometheus.instant(series(rule.record(), rule.labels()), at).join();
        if (recorded.isEmpty() && (rule == MeshRecordingRules.REQUESTS || rule == MeshRecordingRules.SERVICE_P95)) {
          throw new IllegalStateException("nothing recorded for " + rule.record() + " at " + at);
        }
        for (var sample : recorded) {
          String series = series(rule.record(), sample.labels());
          for (long t = now - 3600; t <= now - 240; t += 60) {
            w.write(series + " " + sample.value() + " " + t + "\n");
          }
        }
      }
      w.write("# EOF\n");
    }
  }

  /** Until the process used at most 0.05 CPU seconds in each of two seconds running. */
  static void awaitIdle(Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    int quiet = 0;
    long last = cpuTicks(p);
    while (quiet < 2 && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = cpuTicks(p);
      quiet = now - last <= 5 ? quiet + 1 : 0;
      last = now;
    }
  }

  /** A series written as PromQL selects it and OpenMetrics writes it: {@code name{k="v",...}} (labels but the name). */
  static String series(String name, Map<String, String> labels) {
    return name + labels.entrySet().stream().filter(l -> !l.getKey().equals("__name__"))
        .map(l -> l.getKey() + "=\"" + l.getValue() + "\"").collect(Collectors.joining(",", "{", "}"));
  }

  /** User + system CPU time of a process in clock ticks (USER_HZ, 100 on Linux), from /proc. */
  static long cpuTicks(Process p) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  static Process prometheus(Path dir, Path data, int port) throws IOException {
    return new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1d",
        "--query.max-samples=200000000").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
            dir.resolve("prometheus.log").toFile())).start();
  }

  /** The five queries sent concurrently as plain HTTP, bodies read and dropped: what Prometheus alone takes. */
  static void raw(String url, List<String> queries, long at) {
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (String q : queries) {
      calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
              + "&time=" + at)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    calls.forEach(CompletableFuture::join);
  }

  /** Workload w calls 5 others (w+1..w+5 mod N, through their services); returns the number of series written. */
  static long writeOpenMetrics(Path file, int n, long end) throws IOException {
    long series = 0;
    long[] times = {end - 45, end - 30, end - 15, end};
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("# TYPE istio_requests counter\n");
      for (int s = 0; s < n; s++) {
        for (int k = 1; k <= 5; k++) {
          String edge = edgeLabels(s, (s + k) % n, n);
          for (String code : new String[] {"200", "503"}) {
            double rate = code.equals("200") ? 10 + (s % 7) : 0.01 * k;
            series++;
            for (int i = 0; i < times.length; i++) {
              w.write("istio_requests_total{reporter=\"source\"," + edge + ",response_code=\"" + code + "\",grpc_response_status=\"-\","
                  + "response_flags=\"-\",connection_security_policy=\"unknown\"} " + rate * 15 * i + " " + times[i] + "\n");
            }
          }
          series++;
          for (int i = 0; i < times.length; i++) {
            w.write("istio_requests_total{reporter=\"destination\"," + edge + ",response_code=\"200\",grpc_response_status=\"-\","
                + "response_flags=\"-\",connection_security_policy=\"mutual_tls\"} " + 10.0 * 15 * i + " " + times[i] + "\n");
          }
        }
      }
      w.write("# TYPE istio_request_duration_milliseconds histogram\n");
      for (int s = 0; s < n; s++) {
        for (int k = 1; k <= 5; k++) {
          String labels = "reporter=\"source\"," + edgeLabels(s, (s + k) % n, n) + ",response_code=\"200\",grpc_response_status=\"-\","
              + "response_flags=\"-\",connection_security_policy=\"unknown\"";
          for (double le : BUCKETS) {
            series++;
            double share = Math.min(1, le / (20.0 * k));
            for (int i = 0; i < times.length; i++) {
              w.write("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"" + le + "\"} " + 150 * share * i + " " + times[i] + "\n");
            }
          }
          series += 3;
          for (int i = 0; i < times.length; i++) {
            w.write("istio_request_duration_milliseconds_bucket{" + labels + ",le=\"+Inf\"} " + 150.0 * i + " " + times[i] + "\n");
          }
          for (int i = 0; i < times.length; i++) {
            w.write("istio_request_duration_milliseconds_count{" + labels + "} " + 150.0 * i + " " + times[i] + "\n");
          }
          for (int i = 0; i < times.length; i++) {
            w.write("istio_request_duration_milliseconds_sum{" + labels + "} " + 150.0 * 20 * k * i + " " + times[i] + "\n");
          }
        }
      }
      w.write("# EOF\n");
    }
    return series;
  }

  static String edgeLabels(int s, int d, int n) {
    String sns = "ns" + (s % 10);
    String dns = "ns" + (d % 10);
    return "source_cluster=\"c1\",source_workload_namespace=\"" + sns + "\",source_workload=\"w" + s + "-v1\",source_app=\"w" + s
        + "\",source_version=\"v1\",destination_cluster=\"c1\",destination_service_namespace=\"" + dns
        + "\",destination_service_name=\"w" + d + "\",destination_service=\"w" + d + "." + dns + ".svc.cluster.local\","
        + "destination_workload_namespace=\"" + dns + "\",destination_workload=\"w" + d + "-v1\",destination_app=\"w" + d
        + "\",destination_version=\"v1\",request_protocol=\"http\"";
  }

  static void awaitReady(String url) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("prometheus did not become ready");
  }

  static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }

  /** Wall seconds of each of {@code n} calls started at once. */
  static List<Double> concurrently(int n, java.util.function.IntConsumer call) {
    List<Double> seconds = new ArrayList<>();
    List<CompletableFuture<Void>> users = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      int user = u;
      users.add(CompletableFuture.runAsync(() -> {
        long s = System.nanoTime();
        call.accept(user);
        synchronized (seconds) {
          seconds.add((System.nanoTime() - s) / 1e9);
        }
      }, users50));
    }
    users.forEach(CompletableFuture::join);
    return seconds;
  }

  /** The workloads the metrics name, as Deployments (w{s}-v1 in ns{s % 10}): what the topology lists from Kubernetes. */
  static void deployments(KubernetesClient kube, int n) {
    for (int ns = 0; ns < Math.min(10, n); ns++) {
      kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ns" + ns).endMetadata().build()).create();
    }
    for (int s = 0; s < n; s++) {
      kube.apps().deployments().inNamespace("ns" + (s % 10)).resource(DemoWorkloads.minimalDeployment("w" + s + "-v1",
          Map.of("app", "w" + s, "version", "v1"))).create();
    }
  }

  /** CPU nanoseconds of this JVM and of Prometheus together. */
  static long cpuNanos(Process prometheus) throws IOException {
    return cpuNanos() + cpuTicks(prometheus) * 10_000_000L;
  }

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double percentile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
