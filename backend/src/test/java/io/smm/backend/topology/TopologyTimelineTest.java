package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.PrometheusException;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.signals.Scope;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topology and health from a real Prometheus holding synthetic Istio series: frontpage calls
 * catalog at 10 rps for two hours; in the second hour it also calls orders at 4 rps, half of
 * which fail with 503. catalog's pod uses 0.1 cores (its sidecar 0.05) until the switch, 0.6
 * after it; a pod of another workload whose name starts like catalog's burns 5 cores throughout.
 */
class TopologyTimelineTest {

  @TempDir
  static Path dir;
  static SyntheticPrometheus prometheus;
  static EmbeddedApiServer api;
  static KubernetesClient client;
  static TopologyService topology;
  static HealthService health;
  static final long NOW = Instant.now().getEpochSecond() / 60 * 60;
  static final long START = NOW - 3 * 3600;
  static final long SWITCH = NOW - 2 * 3600;
  static final long END = NOW - 3600;

  static Map<String, String> edge(String source, String service, String code) {
    return RecordedTopologyTest.call("source", source, "shop", service, code, "http");
  }

  /** The call's destination in another cluster of the mesh. */
  static Map<String, String> inCluster(Map<String, String> labels, String cluster) {
    labels.put("destination_cluster", cluster);
    return labels;
  }

  static final String CATALOG_POD = "catalog-v1-7d9f8c6b5-x2x4z";

  /** The same call as the server's sidecar reports it. */
  static Map<String, String> served(Map<String, String> labels) {
    labels.put("reporter", "destination");
    labels.put("connection_security_policy", "mutual_tls");
    return labels;
  }

  static Map<String, String> container(String pod, String container) {
    return Map.of("namespace", "shop", "pod", pod, "container", container);
  }

  @BeforeAll
  static void start() throws Exception {
    prometheus = new SyntheticPrometheus()
        .counter("istio_requests_total", edge("frontpage-v1", "catalog", "200"), START, END, 10, 0)
        .counter("istio_requests_total", edge("frontpage-v1", "orders", "200"), SWITCH, END, 2, 0)
        .counter("istio_requests_total", edge("frontpage-v1", "orders", "503"), SWITCH, END, 2, 0)
        .counter("istio_requests_total", served(edge("frontpage-v1", "catalog", "200")), START, END, 10, 0)
        .counter("istio_requests_total", inCluster(edge("batch-v1", "movies", "200"), "gone"), START, END, 1, 0)
        .counter("container_cpu_usage_seconds_total", container(CATALOG_POD, "catalog"), START, SWITCH, 0.1, 0)
        .counter("container_cpu_usage_seconds_total", container(CATALOG_POD, "catalog"), SWITCH + 15, END, 0.6, 0.1 * (SWITCH - START))
        .counter("container_cpu_usage_seconds_total", container(CATALOG_POD, "istio-proxy"), START, END, 0.05, 0)
        .counter("container_cpu_usage_seconds_total", container("catalog-v1-canary-6d8f7c9b-x2x4z", "catalog"), START, END, 5, 0)
        .gauge("container_memory_working_set_bytes", container(CATALOG_POD, "catalog"), START, END, 30 << 20)
        .gauge("container_memory_working_set_bytes", container(CATALOG_POD, "istio-proxy"), START, END, 50 << 20)
        .start(dir);
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    client.apps().deployments().inNamespace("shop").resource(DemoWorkloads.minimalDeployment("reports-v1",
        Map.of("app", "reports"))).create();
    PrometheusClient prom = new PrometheusClient(URI.create(prometheus.url()), Duration.ofSeconds(10), 4);
    health = new HealthService(prom, new HealthScorer(HealthThresholds.DEFAULT), "c1");
    topology = new TopologyService(prom, new ClusterQueries(client, "c1"), health, "c1", ForkJoinPool.commonPool());
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
    client.close();
    api.close();
  }

  static Topology at(long epochSecond) {
    return topology.topology(Set.of("shop"), Instant.ofEpochSecond(epochSecond), Duration.ofMinutes(1), true).join();
  }

  static TopologyEdge edgeTo(Topology t, String target) {
    return t.edges().stream().filter(e -> e.target().equals(target)).findFirst().orElse(null);
  }

  @Test
  void aPastInstantShowsTheTrafficOfThatTimeNotOfNow() {
    Topology first = at(SWITCH - 1800);
    Topology second = at(SWITCH + 1800);
    Topology live = at(NOW);

    assertThat(first.errors()).isEmpty();
    assertThat(edgeTo(first, "service:c1/shop/catalog").requestsPerSecond()).isCloseTo(10, within(0.01));
    assertThat(edgeTo(first, "service:c1/shop/orders")).as("orders was not called yet").isNull();

    TopologyEdge orders = edgeTo(second, "service:c1/shop/orders");
    assertThat(orders.requestsPerSecond()).isCloseTo(4, within(0.01));
    assertThat(orders.errorRatio()).isCloseTo(0.5, within(0.001));
    assertThat(orders.responseCodes()).containsOnlyKeys("200", "503");

    assertThat(live.edges()).as("no traffic in the last hour").isEmpty();
    assertThat(live.nodes()).extracting(TopologyNode::name, TopologyNode::idle).containsExactly(
        Tuple.tuple("reports-v1", true));
  }

  @Test
  void inARegistrysMeshTheNodesOfAClusterNoLongerInItAreLeftOut() {
    Topology before = at(SWITCH - 1800);
    assertThat(before.nodes()).extracting(TopologyNode::id).as("no registry: every cluster the telemetry names")
        .contains("service:gone/shop/movies");
    var crd = io.smm.api.crd.SmmCrds.crd(io.smm.api.crd.SmmCrds.CLUSTER);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    try {
      var clusters = client.genericKubernetesResources("clusterregistry.k8s.cisco.com/v1alpha1", "Cluster");
      var local = clusters.resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
          .withApiVersion("clusterregistry.k8s.cisco.com/v1alpha1").withKind("Cluster").withNewMetadata().withName("c1").endMetadata()
          .addToAdditionalProperties("spec", Map.of("clusterID", "uid-c1")).build()).create();
      local.setAdditionalProperty("status", Map.of("type", "Local", "state", "Ready"));
      clusters.resource(local).updateStatus();
      // A later instant than before: a new evaluation, not the answer kept for the same question.
      Topology after = at(SWITCH - 1799);
      assertThat(after.nodes()).extracting(TopologyNode::id).doesNotContain("service:gone/shop/movies")
          .contains("service:c1/shop/catalog", "workload:c1/shop/frontpage-v1", "workload:c1/shop/batch-v1");
      assertThat(after.edges()).noneMatch(e -> e.target().contains("gone/")).anyMatch(e -> e.target().equals("service:c1/shop/catalog"));
      assertThat(after.staleClusters()).isEmpty();

      // Registered again, and not reachable: its nodes are back, said to be stale.
      var peer = clusters.resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
          .withApiVersion("clusterregistry.k8s.cisco.com/v1alpha1").withKind("Cluster").withNewMetadata().withName("gone").endMetadata()
          .addToAdditionalProperties("spec", Map.of("clusterID", "uid-gone")).build()).create();
      peer.setAdditionalProperty("status", Map.of("type", "Peer", "state", "Failed", "message", "cluster gone: unreachable"));
      clusters.resource(peer).updateStatus();
      Topology unreachable = at(SWITCH - 1798);
      assertThat(unreachable.nodes()).extracting(TopologyNode::id).contains("service:gone/shop/movies");
      assertThat(unreachable.staleClusters()).containsExactly("gone");
    } finally {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).delete();
    }
  }

  @Test
  void healthTimelineTurnsFailingWhenErrorsStartAndStaysHealthyWhereNothingChanged() {
    Map<String, List<HealthScore>> timelines = health.timelines(Set.of("shop"), new HealthService.Span(Instant.ofEpochSecond(SWITCH + 600),
        Duration.ofMinutes(20), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1))).join();
    List<HealthScore> orders = timelines.get("service:c1/shop/orders");
    List<HealthScore> catalog = timelines.get("service:c1/shop/catalog");
    assertThat(catalog).hasSize(21).allMatch(s -> s.status() == HealthScore.Status.HEALTHY);
    assertThat(orders.get(0).status()).isEqualTo(HealthScore.Status.NO_TRAFFIC);
    assertThat(orders.get(orders.size() - 1).status()).isEqualTo(HealthScore.Status.FAILURE);
    assertThat(orders.get(orders.size() - 1).errorRatio()).isCloseTo(0.5, within(0.001));
    // Workloads are judged by what they served: only catalog's sidecar reported as a server.
    assertThat(timelines).doesNotContainKey("workload:c1/shop/orders-v1");
    List<HealthScore> catalogWorkload = timelines.get("workload:c1/shop/catalog-v1");
    assertThat(catalogWorkload.get(0).status()).as("10 minutes before the CPU jump").isEqualTo(HealthScore.Status.HEALTHY);
    assertThat(catalogWorkload.get(catalogWorkload.size() - 1).status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(catalogWorkload.get(catalogWorkload.size() - 1).reasons()).containsExactly("CPU 0.65 cores (usually 0.15)");
  }

  @Test
  void saturationOfAWorkloadIsItsOwnPodsCpuAndMemoryWithTheSidecarsShare() {
    var service = new GoldenSignalsService(new PrometheusClient(URI.create(prometheus.url()),
        Duration.ofSeconds(10), 4));
    var catalog = service.signals(new Scope(Scope.Kind.WORKLOAD, "shop", "catalog-v1"),
        Instant.ofEpochSecond(SWITCH + 1800), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(5)).join();
    assertThat(catalog.errors()).isEmpty();
    assertThat(catalog.saturation()).hasSize(3);
    var before = catalog.saturation().get(0);
    var after = catalog.saturation().get(2);
    assertThat(before.cpuCores()).as("the canary pod is another workload's").isCloseTo(0.15, within(0.001));
    assertThat(after.cpuCores()).isCloseTo(0.65, within(0.001));
    assertThat(after.proxyCpuCores()).isCloseTo(0.05, within(0.001));
    assertThat(after.memoryBytes()).isEqualTo(80 << 20);
    assertThat(after.proxyMemoryBytes()).isEqualTo(50 << 20);

    var orders = service.signals(new Scope(Scope.Kind.SERVICE, "shop", "orders"),
        Instant.ofEpochSecond(SWITCH + 1800), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(5)).join();
    assertThat(orders.saturation()).as("a service's containers are its workloads'").isEmpty();
    var early = service.signals(new Scope(Scope.Kind.WORKLOAD, "shop", "catalog-v1"),
        Instant.ofEpochSecond(START + 600), Duration.ofMinutes(20), Duration.ofMinutes(10), Duration.ofMinutes(5)).join();
    assertThat(early.saturation()).as("steps before the pod existed are there, empty").hasSize(3)
        .extracting(p -> Double.isNaN(p.cpuCores())).containsExactly(true, true, false);
    var namespace = service.signals(new Scope(Scope.Kind.NAMESPACE, "shop", null),
        Instant.ofEpochSecond(SWITCH + 1800), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(5)).join();
    assertThat(namespace.saturation().get(2).cpuCores()).isCloseTo(5.65, within(0.001));
  }

  @Test
  void whenPrometheusIsDownTheKubernetesPartIsStillAnsweredAndEveryMissingPartIsNamed() {
    PrometheusClient down = new PrometheusClient(URI.create("http://127.0.0.1:1/"), Duration.ofSeconds(2), 4);
    Topology t = new TopologyService(down, new ClusterQueries(client, "c1"),
        new HealthService(down, new HealthScorer(HealthThresholds.DEFAULT), "c1"), "c1", ForkJoinPool.commonPool())
        .topology(Set.of("shop"), null, Duration.ofMinutes(1), true).join();
    assertThat(t.nodes()).extracting(TopologyNode::name).containsExactly("reports-v1");
    assertThat(t.nodes()).extracting(TopologyNode::health).containsOnlyNulls();
    // The six topology queries (latency per half of a call) and the health, each named.
    assertThat(t.errors()).hasSize(7).allMatch(e -> e.contains("Prometheus at http://127.0.0.1:1/ is not reachable"))
        .anyMatch(e -> e.startsWith("health: "));
    assertThat(t.failure()).isEqualTo(PrometheusException.Kind.UNAVAILABLE);
    assertThat(at(SWITCH + 1800).nodes()).as("an unknown namespace filter is no error").isNotEmpty();
    assertThat(topology.topology(Set.of("no-such-namespace"), Instant.ofEpochSecond(SWITCH + 1800), Duration.ofMinutes(1), true)
        .join()).satisfies(x -> {
          assertThat(x.nodes()).isEmpty();
          assertThat(x.errors()).isEmpty();
        });
  }

  @Test
  void goldenSignalsGiveTheInboundAndOutboundSeriesOfAScope() {
    var service = new GoldenSignalsService(new PrometheusClient(URI.create(prometheus.url()),
        Duration.ofSeconds(10), 4));
    Instant end = Instant.ofEpochSecond(SWITCH + 1800);
    var orders = service.signals(new Scope(Scope.Kind.SERVICE, "shop", "orders"), end,
        Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofMinutes(1)).join();
    assertThat(orders.errors()).isEmpty();
    assertThat(orders.outbound()).as("a service's calls out are its workloads'").isEmpty();
    assertThat(orders.inbound()).hasSize(7);
    assertThat(orders.inbound().get(0).requestsPerSecond()).as("30 min before the switch").isZero();
    var last = orders.inbound().get(6);
    assertThat(last.requestsPerSecond()).isCloseTo(4, within(0.01));
    assertThat(last.errorRatio()).isCloseTo(0.5, within(0.001));
    assertThat(last.p95Ms()).as("no latency histograms in these series").isNaN();

    var frontpage = service.signals(new Scope(Scope.Kind.WORKLOAD, "shop", "frontpage-v1"),
        end, Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofMinutes(1)).join();
    assertThat(frontpage.outbound().get(0).requestsPerSecond()).isCloseTo(10, within(0.01));
    assertThat(frontpage.outbound().get(6).requestsPerSecond()).isCloseTo(14, within(0.01));
    assertThat(frontpage.outbound().get(6).errorRatio()).isCloseTo(2.0 / 14, within(0.001));
    assertThat(frontpage.inbound()).allMatch(p -> p.requestsPerSecond() == 0);
  }
}
