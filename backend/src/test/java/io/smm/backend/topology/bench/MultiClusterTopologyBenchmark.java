package io.smm.backend.topology.bench;

import static io.smm.backend.topology.bench.TopologyBenchmark.awaitIdle;
import static io.smm.backend.topology.bench.TopologyBenchmark.awaitReady;
import static io.smm.backend.topology.bench.TopologyBenchmark.deleteTree;
import static io.smm.backend.topology.bench.TopologyBenchmark.exec;
import static io.smm.backend.topology.bench.TopologyBenchmark.median;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.topology.Topology;
import io.smm.backend.topology.TopologyService;
import io.smm.sandbox.kube.EmbeddedApiServer;
import java.io.BufferedWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * The primary's topology of a two-cluster mesh against one cluster with the same number of
 * workloads, in one run against a real Prometheus: every workload calls five others (raw Istio
 * series, both reporters); with two clusters, workloads alternate between them, so that about half
 * the calls cross, and the cluster registry lists both (the topology then keeps only the mesh's
 * clusters). Reports the median topology seconds of each and their ratio; writes JSON.
 * {@code scripts/bench-multicluster} runs it.
 */
public final class MultiClusterTopologyBenchmark {

  private MultiClusterTopologyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path out = Path.of(args.length > 2 ? args[2] : "backend/target/multicluster-topology-bench.json");
    Run one = run(workloads, 1, rounds);
    Run two = run(workloads, 2, rounds);
    String json = String.format(Locale.ROOT, "{\"workloads\": %d, \"rounds\": %d, \"oneCluster\": %s, \"twoClusters\": %s, "
        + "\"twoOverOneRatio\": %.2f}%n", workloads, rounds, one.json(), two.json(), two.median() / one.median());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json);
    System.out.print(json);
  }

  record Run(int clusters, int nodes, int edges, int crossEdges, List<Double> seconds) {
    double median() {
      return TopologyBenchmark.median(seconds);
    }

    String json() {
      return String.format(Locale.ROOT, "{\"clusters\": %d, \"nodes\": %d, \"edges\": %d, \"crossClusterEdges\": %d, "
          + "\"topologySecondsMedian\": %.3f, \"topologySeconds\": %s}", clusters, nodes, edges, crossEdges, median(),
          seconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList());
    }
  }

  static Run run(int workloads, int clusters, int rounds) throws Exception {
    Path dir = Files.createTempDirectory("smm-multicluster-bench");
    long now = Instant.now().getEpochSecond() / 60 * 60 - 60;
    writeOpenMetrics(dir.resolve("mesh.om"), workloads, clusters, now);
    Path data = dir.resolve("data");
    exec("promtool", "tsdb", "create-blocks-from", "openmetrics", dir.resolve("mesh.om").toString(), data.toString());
    Files.writeString(dir.resolve("prometheus.yml"), "global: {}\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process prometheus = TopologyBenchmark.prometheus(dir, data, port);
    EmbeddedApiServer api = EmbeddedApiServer.start(0);
    KubernetesClient kube = api.newClient();
    try {
      String url = "http://127.0.0.1:" + port;
      awaitReady(url);
      awaitIdle(prometheus);
      TopologyBenchmark.deployments(kube, workloads);
      if (clusters > 1) {
        registry(kube, clusters);
      }
      PrometheusClient client = new PrometheusClient(URI.create(url), Duration.ofMinutes(5), 8);
      TopologyService service = new TopologyService(client, new ClusterQueries(kube, "c1"),
          new HealthService(client, new HealthScorer(HealthThresholds.DEFAULT), "c1", () -> CompletableFuture.completedFuture(false)),
          "c1", ForkJoinPool.commonPool());
      Instant at = Instant.ofEpochSecond(now + 30);
      Duration window = Duration.ofMinutes(1);
      service.topology(Set.of(), at, window, false).join(); // warm-up (JIT, connections)
      List<Double> seconds = new ArrayList<>();
      Topology last = null;
      for (int r = 0; r < rounds; r++) {
        long s = System.nanoTime();
        // A millisecond apart: the same data, a new evaluation each time (answers are kept per instant).
        last = service.topology(Set.of(), at.plusMillis(1 + r), window, false).join();
        seconds.add((System.nanoTime() - s) / 1e9);
      }
      if (!last.errors().isEmpty()) {
        throw new IllegalStateException("topology errors: " + last.errors());
      }
      Map<String, String> clusterOf = new java.util.HashMap<>();
      last.nodes().forEach(n -> clusterOf.put(n.id(), n.cluster()));
      int cross = (int) last.edges().stream().filter(e -> clusterOf.get(e.source()) != null && clusterOf.get(e.target()) != null
          && !clusterOf.get(e.source()).equals(clusterOf.get(e.target()))).count();
      return new Run(clusters, last.nodes().size(), last.edges().size(), cross, seconds);
    } finally {
      kube.close();
      api.close();
      prometheus.destroy();
      prometheus.waitFor();
      deleteTree(dir);
    }
  }

  /** The cluster registry of the primary: c1 local, the others peers, all Ready. */
  static void registry(KubernetesClient kube, int clusters) {
    kube.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.CLUSTER)).create();
    var registered = kube.genericKubernetesResources(SmmCrds.CLUSTER.apiVersion(), SmmCrds.CLUSTER.kind());
    for (int c = 1; c <= clusters; c++) {
      var created = registered.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CLUSTER.apiVersion())
          .withKind(SmmCrds.CLUSTER.kind()).withNewMetadata().withName("c" + c).endMetadata()
          .addToAdditionalProperties("spec", Map.of("clusterID", "uid-c" + c)).build()).create();
      created.setAdditionalProperty("status", Map.of("type", c == 1 ? "Local" : "Peer", "state", "Ready"));
      registered.resource(created).updateStatus();
    }
  }

  /** Workload s runs in cluster c{s % clusters + 1} and calls the five after it; each call as both sidecars report it. */
  static void writeOpenMetrics(Path file, int n, int clusters, long end) throws Exception {
    long[] times = {end - 45, end - 30, end - 15, end};
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("# TYPE istio_requests counter\n");
      for (int s = 0; s < n; s++) {
        for (int k = 1; k <= 5; k++) {
          int d = (s + k) % n;
          String edge = edgeLabels(s, d, clusters);
          for (String reporter : new String[] {"source", "destination"}) {
            for (int i = 0; i < times.length; i++) {
              w.write("istio_requests_total{reporter=\"" + reporter + "\"," + edge + ",response_code=\"200\",grpc_response_status=\"-\","
                  + "response_flags=\"-\",connection_security_policy=\"" + (reporter.equals("source") ? "unknown" : "mutual_tls")
                  + "\"} " + (10 + s % 7) * 15.0 * i + " " + times[i] + "\n");
            }
          }
        }
      }
      w.write("# EOF\n");
    }
  }

  static String edgeLabels(int s, int d, int clusters) {
    String sns = "ns" + (s % 10);
    String dns = "ns" + (d % 10);
    return "source_cluster=\"c" + (s % clusters + 1) + "\",source_workload_namespace=\"" + sns + "\",source_workload=\"w" + s
        + "-v1\",source_app=\"w" + s + "\",source_version=\"v1\",destination_cluster=\"c" + (d % clusters + 1)
        + "\",destination_service_namespace=\"" + dns + "\",destination_service_name=\"w" + d + "\",destination_service=\"w" + d + "."
        + dns + ".svc.cluster.local\",destination_workload_namespace=\"" + dns + "\",destination_workload=\"w" + d
        + "-v1\",destination_app=\"w" + d + "\",destination_version=\"v1\",request_protocol=\"http\"";
  }
}
