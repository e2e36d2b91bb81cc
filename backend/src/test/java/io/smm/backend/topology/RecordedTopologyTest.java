package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology read from the recording rules' series is the topology read from the raw metrics:
 * same nodes, edges and protocols, the same rates, error rates, latency quantiles, TCP bytes and
 * mTLS share, on one real Prometheus evaluating {@link MeshRecordingRules}. Before the rules ran
 * (a TIMELINE instant of the past) the raw metrics are read, and the answer says which.
 */
class RecordedTopologyTest {

  @TempDir
  static Path dir;
  static SyntheticPrometheus prometheus;
  static EmbeddedApiServer api;
  static KubernetesClient client;
  static TopologyService service;
  static HealthService health;
  static final long NOW = Instant.now().getEpochSecond();

  /** The labels of Istio's standard metrics for one call, as the reporter's sidecar labels it. */
  static Map<String, String> call(String reporter, String client, String clientNs, String server, String code, String protocol) {
    Map<String, String> l = new HashMap<>();
    l.put("reporter", reporter);
    l.put("source_cluster", "c1");
    l.put("source_workload_namespace", clientNs);
    l.put("source_workload", client);
    l.put("source_app", client.replace("-v1", ""));
    l.put("source_version", "v1");
    l.put("destination_cluster", "c1");
    l.put("destination_service_namespace", "shop");
    l.put("destination_service_name", server);
    l.put("destination_service", server + ".shop.svc.cluster.local");
    l.put("destination_workload_namespace", "shop");
    l.put("destination_workload", server + "-v1");
    l.put("destination_app", server);
    l.put("destination_version", "v1");
    l.put("request_protocol", protocol);
    l.put("response_code", code);
    l.put("grpc_response_status", "-");
    l.put("response_flags", "-");
    l.put("connection_security_policy", reporter.equals("destination") ? "mutual_tls" : "unknown");
    return l;
  }

  static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> out = new HashMap<>(labels);
    out.put(key, value);
    return out;
  }

  @BeforeAll
  static void start() throws Exception {
    long from = NOW - 1800;
    SyntheticPrometheus p = new SyntheticPrometheus().rules(MeshRecordingRules.ruleFile());
    for (String reporter : new String[] {"source", "destination"}) {
      p.counter("istio_requests_total", call(reporter, "front-v1", "shop", "cart", "200", "http"), from, NOW, 10, 0);
      p.counter("istio_requests_total", call(reporter, "front-v1", "shop", "cart", "503", "http"), from, NOW, 0.5, 0);
      p.counter("istio_requests_total", call(reporter, "front-v1", "shop", "pay", "200", "grpc"), from, NOW, 4, 0);
      for (double le : new double[] {5, 25, 100, 500}) {
        p.counter("istio_request_duration_milliseconds_bucket", with(call(reporter, "front-v1", "shop", "cart", "200", "http"), "le",
            Double.toString(le)), from, NOW, 10 * Math.min(1, le / 120), 0);
      }
      p.counter("istio_request_duration_milliseconds_bucket", with(call(reporter, "front-v1", "shop", "cart", "200", "http"), "le",
          "+Inf"), from, NOW, 10, 0);
      p.counter("istio_requests_total", call(reporter, "admin-v1", "ops", "cart", "200", "http"), from, NOW, 5, 0);
      for (double le : new double[] {5, 25, 100, 500}) { // slower than front's calls: between 100 and 500 ms
        p.counter("istio_request_duration_milliseconds_bucket", with(call(reporter, "admin-v1", "ops", "cart", "200", "http"), "le",
            Double.toString(le)), from, NOW, le < 100 ? 0 : le == 100 ? 0.05 : 5, 0);
      }
      p.counter("istio_request_duration_milliseconds_bucket", with(call(reporter, "admin-v1", "ops", "cart", "200", "http"), "le",
          "+Inf"), from, NOW, 5, 0);
      p.counter("istio_tcp_sent_bytes_total", call(reporter, "cart-v1", "shop", "db", "0", "tcp"), from, NOW, 2048, 0);
      p.counter("istio_tcp_received_bytes_total", call(reporter, "cart-v1", "shop", "db", "0", "tcp"), from, NOW, 512, 0);
    }
    p.counter("istio_tcp_connections_opened_total", call("destination", "cart-v1", "shop", "db", "0", "tcp"), from, NOW, 0.2, 0);
    // From outside the mesh: only the server's sidecar reports it.
    p.counter("istio_requests_total", call("destination", "unknown", "unknown", "front", "200", "http"), from, NOW, 3, 0);
    prometheus = p.start(dir);
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    PrometheusClient prom = new PrometheusClient(URI.create(prometheus.url()), Duration.ofSeconds(30), 8);
    health = new HealthService(prom, new HealthScorer(HealthThresholds.DEFAULT), "c1");
    service = new TopologyService(prom, new ClusterQueries(client, "c1"), health, "c1", ForkJoinPool.commonPool());
    Eventually.until(() -> !prom.instant("count(" + MeshRecordingRules.REQUESTS.record() + ")", Instant.now()).join().isEmpty(),
        Duration.ofSeconds(30), "the recording rules have been evaluated");
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    api.close();
    prometheus.close();
  }

  @Test
  void theGraphFromRecordedSeriesIsTheGraphFromRawMetrics() {
    Instant at = Instant.now();
    Duration window = Duration.ofMinutes(1);
    for (Set<String> namespaces : new Set[] {Set.of(), Set.of("shop"), Set.of("ops")}) {
      Topology recorded = service.evaluate(namespaces, at, window, false, TopologyNode.Grouping.WORKLOAD, true).join();
      Topology raw = service.evaluate(namespaces, at, window, false, TopologyNode.Grouping.WORKLOAD, false).join();
      assertThat(recorded.telemetry()).isEqualTo(TelemetryQueries.Source.RECORDED);
      assertThat(raw.telemetry()).isEqualTo(TelemetryQueries.Source.RAW);
      assertThat(recorded.errors()).isEmpty();
      assertThat(recorded.nodes()).extracting(TopologyNode::id).containsExactlyElementsOf(raw.nodes().stream().map(TopologyNode::id).toList());
      Map<String, TopologyEdge> rawEdges = byKey(raw);
      Map<String, TopologyEdge> recordedEdges = byKey(recorded);
      assertThat(recordedEdges.keySet()).isEqualTo(rawEdges.keySet()).hasSizeGreaterThanOrEqualTo(namespaces.contains("ops") ? 2 : 6);
      recordedEdges.forEach((key, e) -> {
        TopologyEdge r = rawEdges.get(key);
        assertThat(e.requestsPerSecond()).as(key).isCloseTo(r.requestsPerSecond(), within(1e-6 + r.requestsPerSecond() * 0.01));
        assertThat(e.errorRatio()).as(key).isCloseTo(r.errorRatio(), within(1e-6));
        assertThat(e.tcpSentBytesPerSecond()).as(key).isCloseTo(r.tcpSentBytesPerSecond(), within(1e-6 + r.tcpSentBytesPerSecond() * 0.01));
        assertThat(e.tcpReceivedBytesPerSecond()).as(key)
            .isCloseTo(r.tcpReceivedBytesPerSecond(), within(1e-6 + r.tcpReceivedBytesPerSecond() * 0.01));
        if (Double.isNaN(r.p95())) {
          assertThat(e.p95()).as(key).isNaN();
        } else {
          assertThat(e.p95()).as(key).isCloseTo(r.p95(), within(r.p95() * 0.01));
        }
        assertThat(e.p50()).as("P50 and P99 are not recorded").isNaN();
        assertThat(e.p99()).isNaN();
        if (!Double.isNaN(r.mtlsRatio())) {
          assertThat(e.mtlsRatio()).as(key).isCloseTo(r.mtlsRatio(), within(1e-6));
        }
      });
    }
  }

  @Test
  void anInstantBeforeTheRulesRanIsReadFromTheRawMetrics() {
    Topology past = service.topology(Set.of("shop"), Instant.ofEpochSecond(NOW - 600), Duration.ofMinutes(1), false).join();
    assertThat(past.telemetry()).isEqualTo(TelemetryQueries.Source.RAW);
    assertThat(past.edges()).isNotEmpty();
    Topology otherWindow = service.topology(Set.of("shop"), Instant.now(), Duration.ofMinutes(5), false).join();
    assertThat(otherWindow.telemetry()).as("the rules record 1 minute windows only").isEqualTo(TelemetryQueries.Source.RAW);
  }

  /** Health judged on the recorded series is health judged on the raw ones: same nodes, rates, error ratios, P95 and verdicts. */
  @Test
  void healthFromRecordedSeriesIsHealthFromRawMetrics() {
    Instant at = Instant.now();
    HealthService.Span span = new HealthService.Span(at, Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(2));
    // ops calls cart in shop: from ops, cart is judged on ops' calls only, as the raw metrics judge it.
    for (Set<String> namespaces : List.of(Set.of("shop"), Set.of("ops"), Set.<String>of())) {
      Map<String, List<HealthScore>> recorded = health.timelines(namespaces, span, at, TelemetryQueries.Source.RECORDED).join();
      Map<String, List<HealthScore>> raw = health.timelines(namespaces, span, at, TelemetryQueries.Source.RAW).join();
      assertThat(recorded.keySet()).isEqualTo(raw.keySet()).contains("service:c1/shop/cart");
      sameHealth(recorded, raw);
    }
    assertThat(cartP95(span, Set.of("ops"))).as("admin's calls alone are slower than everyone's")
        .isGreaterThan(cartP95(span, Set.of("shop")) * 1.03);
  }

  static double cartP95(HealthService.Span span, Set<String> namespaces) {
    List<HealthScore> cart = health.timelines(namespaces, span, span.end(), TelemetryQueries.Source.RECORDED).join().get("service:c1/shop/cart");
    return cart.get(cart.size() - 1).p95Ms();
  }

  static void sameHealth(Map<String, List<HealthScore>> recorded, Map<String, List<HealthScore>> raw) {
    recorded.forEach((id, scores) -> {
      HealthScore r = raw.get(id).get(raw.get(id).size() - 1);
      HealthScore e = scores.get(scores.size() - 1);
      assertThat(e.status()).as(id).isEqualTo(r.status());
      assertThat(e.requestsPerSecond()).as(id).isCloseTo(r.requestsPerSecond(), within(1e-6 + r.requestsPerSecond() * 0.01));
      assertThat(e.errorRatio()).as(id).isCloseTo(r.errorRatio(), within(1e-6));
      if (!Double.isNaN(r.p95Ms())) {
        assertThat(e.p95Ms()).as(id).isCloseTo(r.p95Ms(), within(r.p95Ms() * 0.01));
      }
    });
  }

  static Map<String, TopologyEdge> byKey(Topology t) {
    return t.edges().stream().collect(Collectors.toMap(e -> e.source() + "->" + e.target() + "|" + e.protocol(), Function.identity()));
  }
}
