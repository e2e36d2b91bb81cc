package io.smm.backend.topology.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.backend.topology.Topology;
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

/**
 * Benchmark, not a test: a synthetic mesh of N workloads in 10 namespaces with 5N edges (each with
 * two response codes, Istio's 20 duration buckets, TCP bytes and mTLS series) is written as
 * OpenMetrics, imported with promtool into a real Prometheus, and the live topology of all
 * namespaces is queried. Reports per N the median wall time of the backend's topology (with the
 * health it joins in and the Kubernetes workloads it lists, as the API serves it: the N
 * Deployments live in an embedded API server), the median wall time of the five topology queries
 * sent straight to Prometheus with the same concurrency (the floor, without health), their
 * ratio, the heap used after the query, the JVM's CPU seconds per request (robust on a busy
 * machine), and 50 users asking at once, on one view and on 50 views of their own: their
 * p50/p95 against one user's. The raw-metrics path is measured first, then the recording rules
 * are backfilled (promtool) and the recorded path measured. Writes backend/target/topology-bench.json.
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
      // Half a minute after the last sample: rule groups evaluate at an offset of their own (the backfill too), so the
      // recorded sample of the last minute lies a few seconds after it; the raw 1 minute window still holds two samples.
      Instant at = Instant.ofEpochSecond(now + 30);
      Duration window = Duration.ofMinutes(1);
      PrometheusClient client = new PrometheusClient(URI.create(url), Duration.ofMinutes(5), 8);
      api = EmbeddedApiServer.start(0);
      kube = api.newClient();
      deployments(kube, workloads);
      TopologyService service = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1"), "c1", ForkJoinPool.commonPool());
      // Phase 1, no recording rules: the topology falls back to the raw metrics.
      Measured raw = measure(service, url, rawQueries(window), at, now, rounds, TelemetryQueries.Source.RAW);
      // Phase 2: the rules backfilled over the last minutes (promtool, as for rules added to a running
      // Prometheus), Prometheus restarted on the blocks: the topology reads the recorded series.
      Path rules = dir.resolve("mesh.rules.yml");
      Files.writeString(rules, MeshRecordingRules.ruleFile());
      Path recordedBlocks = dir.resolve("recorded");
      long t1 = System.nanoTime();
      exec("promtool", "tsdb", "create-blocks-from", "rules", "--quiet", "--start=" + (now - 180), "--end=" + (now + 60), "--url=" + url,
          "--output-dir=" + recordedBlocks, rules.toString());
      double ruleSeconds = (System.nanoTime() - t1) / 1e9 / 4; // four evaluations, 60 s apart: the cost of one
      prometheus.destroy();
      prometheus.waitFor();
      try (var blocks = Files.list(recordedBlocks)) {
        for (Path b : blocks.toList()) {
          Files.move(b, data.resolve(b.getFileName()));
        }
      }
      prometheus = prometheus(dir, data, port);
      awaitReady(url);
      // A new service: the first one remembers its answers to these questions for a few seconds.
      TopologyService recordedService = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1"), "c1", ForkJoinPool.commonPool());
      Measured recorded = measure(recordedService, url, recordedQueries(), at, now, rounds, TelemetryQueries.Source.RECORDED);
      Topology last = recorded.last();
      List<Double> backend = recorded.backend();
      List<Double> floor = recorded.floor();
      long cpu0 = cpuNanos();
      for (int r = 0; r < rounds; r++) {
        recordedService.topology(Set.of(), at.plusMillis(100 + r), window, false).join();
      }
      double cpuPerRequest = (cpuNanos() - cpu0) / 1e9 / rounds;
      List<Double> single = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        long s = System.nanoTime();
        recordedService.topology(Set.of(), at.plusMillis(200 + r), window, false).join();
        single.add((System.nanoTime() - s) / 1e9);
      }
      // 50 users at once: on one view (what single-flight shares), and each on a view of their own
      // (instants a millisecond apart: the same data, nothing shared; what the fair share spreads).
      List<Double> sameView = concurrently(USERS, u -> recordedService.topology(Set.of(), at.plusMillis(300), window, false).join());
      List<Double> distinct = concurrently(USERS, u -> recordedService.topology(Set.of(), at.plusMillis(400 + u), window, false).join());
      if (!last.errors().isEmpty()) {
        throw new IllegalStateException("topology errors: " + last.errors());
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      double one = median(single);
      return String.format(Locale.ROOT, "    {\"workloads\": %d, \"edges\": %d, \"series\": %d, \"importSeconds\": %.1f, "
          + "\"nodes\": %d, \"topologyEdges\": %d, \"telemetry\": \"%s\", \"topologySeconds\": %.3f, \"prometheusSeconds\": %.3f, "
          + "\"ratio\": %.2f, \"rawTopologySeconds\": %.3f, \"rawPrometheusSeconds\": %.3f, \"rawRatio\": %.2f, "
          + "\"ruleEvaluationSeconds\": %.3f, \"heapAfterMiB\": %.0f, \"jvmCpuSecondsPerRequest\": %.3f, \"concurrentUsers\": %d, "
          + "\"singleUserSeconds\": %.3f, \"sameViewP50Seconds\": %.3f, \"sameViewP95Seconds\": %.3f, \"sameViewP95Ratio\": %.2f, "
          + "\"distinctViewsP50Seconds\": %.3f, \"distinctViewsP95Seconds\": %.3f, \"distinctViewsP95Ratio\": %.2f}",
          workloads, 5 * workloads, series, importSeconds, last.nodes().size(), last.edges().size(), last.telemetry(), median(backend),
          median(floor), median(backend) / median(floor), median(raw.backend()), median(raw.floor()),
          median(raw.backend()) / median(raw.floor()), ruleSeconds, heap / 1048576.0, cpuPerRequest, USERS, one,
          percentile(sameView, 0.5), percentile(sameView, 0.95), percentile(sameView, 0.95) / one,
          percentile(distinct, 0.5), percentile(distinct, 0.95), percentile(distinct, 0.95) / one);
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

  static List<String> recordedQueries() {
    return MeshRecordingRules.ALL.stream().map(r -> TelemetryQueries.recorded(r, Set.of())).toList();
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
