package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.QueryScope;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.TestTimeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two users asking for the topology at once: one of them of a namespace whose Prometheus answers
 * are slow. The other's graph must not wait for it, and neither graph may hold the other's traffic.
 */
class ConcurrentTopologyTest {

  HttpServer prometheus;
  EmbeddedApiServer api;
  KubernetesClient client;
  final CountDownLatch slowAnswers = new CountDownLatch(1);
  /** Queries other than the topology's attempts at recorded series, which this Prometheus (no rules) answers empty. */
  final AtomicInteger queries = new AtomicInteger();
  final AtomicInteger recordedAttempts = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setExecutor(Executors.newCachedThreadPool());
    prometheus.createContext("/api/v1/", this::answer);
    prometheus.start();
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
  }

  @AfterEach
  void stop() {
    slowAnswers.countDown();
    prometheus.stop(0);
    client.close();
    api.close();
  }

  /** One request-rate series of a call inside the namespace the query is about; empty answers otherwise. */
  private void answer(HttpExchange exchange) throws IOException {
    String query = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    // Health's probe counts recorded requests at its baseline's start; the topology reads recorded series themselves.
    (query.contains(":rate1m") && !query.contains("query=count(") ? recordedAttempts : queries).incrementAndGet();
    String namespace = query.contains("slow") ? "slow" : "fast";
    if (namespace.equals("slow")) {
      try {
        slowAnswers.await(TestTimeouts.scaled(Duration.ofMinutes(1)).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String result = "[]";
    boolean range = exchange.getRequestURI().getPath().endsWith("query_range");
    if (!range && query.contains("istio_requests_total") && query.contains("response_flags") && !query.contains("idle")) {
      result = "[{\"metric\":{\"reporter\":\"source\",\"source_cluster\":\"c1\",\"source_workload_namespace\":\"" + namespace
          + "\",\"source_workload\":\"client\",\"destination_cluster\":\"c1\",\"destination_service_namespace\":\"" + namespace
          + "\",\"destination_service_name\":\"server\",\"destination_workload_namespace\":\"" + namespace
          + "\",\"destination_workload\":\"server-v1\",\"request_protocol\":\"http\",\"response_code\":\"200\"},\"value\":[0,\"2\"]}]";
    }
    byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"" + (range ? "matrix" : "vector") + "\",\"result\":" + result + "}}")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  PrometheusClient prometheusClient(int slots) {
    return new PrometheusClient(URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort()),
        TestTimeouts.scaled(Duration.ofMinutes(2)), slots);
  }

  TopologyService topology(PrometheusClient prom) {
    return new TopologyService(prom, new ClusterQueries(client, "c1"), new HealthService(prom, new HealthScorer(HealthThresholds.DEFAULT),
        "c1"), "c1", ForkJoinPool.commonPool());
  }

  /** Answers reused for 5 s of the given clock (nanoseconds). */
  TopologyService topology(PrometheusClient prom, AtomicLong clock) {
    return new TopologyService(prom, new ClusterQueries(client, "c1"), new HealthService(prom, new HealthScorer(HealthThresholds.DEFAULT),
        "c1"), "c1", ForkJoinPool.commonPool(), Duration.ofSeconds(5), clock::get);
  }

  @Test
  void aSlowTopologyDoesNotHoldUpAnotherUsersAndEachGetsItsOwnTraffic() {
    // Room for both users' queries at once: the per-server query limit is not what is under test.
    TopologyService topology = topology(prometheusClient(64));

    CompletableFuture<Topology> slow = topology.topology(Set.of("slow"), null, Duration.ofMinutes(1), true);
    Topology fast = topology.topology(Set.of("fast"), null, Duration.ofMinutes(1), true)
        .orTimeout(TestTimeouts.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS).join();

    assertThat(slow).isNotDone();
    assertThat(fast.errors()).isEmpty();
    assertThat(fast.edges()).extracting(TopologyEdge::source, TopologyEdge::target).containsExactlyInAnyOrder(
        Tuple.tuple("workload:c1/fast/client", "service:c1/fast/server"),
        Tuple.tuple("service:c1/fast/server", "workload:c1/fast/server-v1"));

    slowAnswers.countDown();
    Topology late = slow.orTimeout(TestTimeouts.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS).join();
    assertThat(late.errors()).isEmpty();
    assertThat(late.nodes()).extracting(TopologyNode::namespace).containsOnly("slow");
    assertThat(late.edges()).extracting(TopologyEdge::source).containsOnly("workload:c1/slow/client", "service:c1/slow/server");
  }

  /** Fifty dashboards refreshing LIVE cost one evaluation per few seconds; a TIMELINE instant is always evaluated. */
  @Test
  void identicalLiveRequestsShareOneEvaluationForAFewSeconds() {
    AtomicLong clock = new AtomicLong();
    TopologyService topology = topology(prometheusClient(8), clock);
    Duration window = Duration.ofMinutes(1);

    List<CompletableFuture<Topology>> dashboards = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      dashboards.add(topology.topology(Set.of("fast"), null, window, true));
    }
    Topology first = dashboards.get(0).join();
    int oneEvaluation = queries.get();
    assertThat(first.edges()).hasSize(2);
    assertThat(dashboards).allSatisfy(d -> assertThat(d.join()).isSameAs(first));
    assertThat(topology.topology(Set.of("fast"), null, window, true).join()).as("within 5 s: the same answer").isSameAs(first);
    assertThat(queries.get()).as("50 + 1 requests, one evaluation").isEqualTo(oneEvaluation);

    assertThat(topology.topology(Set.of("fast"), null, window, false).join()).as("another question").isNotSameAs(first);
    int twoEvaluations = queries.get();
    assertThat(twoEvaluations).isEqualTo(2 * oneEvaluation);

    clock.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(topology.topology(Set.of("fast"), null, window, true).join()).as("after 5 s: evaluated again").isNotSameAs(first);
    assertThat(queries.get()).isEqualTo(3 * oneEvaluation);

    Instant past = Instant.now().minusSeconds(600);
    Topology timeline = topology.topology(Set.of("fast"), past, window, true).join();
    assertThat(topology.topology(Set.of("fast"), past, window, true).join()).as("one TIMELINE instant: shared too").isSameAs(timeline);
    assertThat(queries.get()).isEqualTo(4 * oneEvaluation);
    topology.topology(Set.of("fast"), past.minusSeconds(60), window, true).join();
    assertThat(queries.get()).as("another instant is another question").isEqualTo(5 * oneEvaluation);
  }

  /**
   * A dashboard refreshing its LIVE view says how often: the view is evaluated in the background
   * without anyone asking, and the next ask is answered with that evaluation, at once.
   */
  @Test
  void aLiveViewWithARefreshIntervalIsEvaluatedInTheBackground() throws InterruptedException {
    TopologyService topology = topology(prometheusClient(8));
    try {
      Duration window = Duration.ofMinutes(1);
      Duration every = Duration.ofSeconds(5);
      Topology first = topology.topology(Set.of("fast"), null, window, true, TopologyNode.Grouping.WORKLOAD, every).join();
      int oneEvaluation = queries.get();
      Eventually.until(() -> queries.get() >= 2 * oneEvaluation, Duration.ofSeconds(60),
          () -> "a background evaluation, nobody asking: " + queries.get() + " queries after " + oneEvaluation);
      AtomicReference<Topology> next = new AtomicReference<>();
      Eventually.until(() -> {
        next.set(topology.topology(Set.of("fast"), null, window, true, TopologyNode.Grouping.WORKLOAD, every).join());
        return next.get() != first;
      }, Duration.ofSeconds(60), "the next ask gets the refreshed answer");
      assertThat(next.get().time()).isAfter(first.time());
      assertThat(next.get().edges()).hasSize(2);
      assertThat(queries.get()).as("no evaluation for the asks: only the background's").isLessThan(4 * oneEvaluation);
    } finally {
      topology.close();
    }
  }

  /**
   * Without recording rules (a user's own Prometheus) a LIVE view finds no recorded series and reads the
   * raw metrics; for a minute after, LIVE views skip the attempt. A TIMELINE instant always tries.
   */
  @Test
  void withoutRecordingRulesLiveViewsGoStraightToTheRawMetricsForAMinute() {
    AtomicLong clock = new AtomicLong();
    TopologyService topology = topology(prometheusClient(8), clock);
    Duration window = Duration.ofMinutes(1);

    topology.topology(Set.of("idle"), null, window, true).join();
    int oneAttempt = recordedAttempts.get();
    assertThat(oneAttempt).as("a view looks for recorded series").isPositive();
    Topology first = topology.topology(Set.of("fast"), null, window, true).join();
    assertThat(recordedAttempts.get()).as("a namespace without traffic says nothing about the rules").isEqualTo(2 * oneAttempt);
    assertThat(first.telemetry()).isEqualTo(TelemetryQueries.Source.RAW);
    assertThat(first.edges()).hasSize(2);

    clock.addAndGet(Duration.ofSeconds(30).toNanos());
    Topology second = topology.topology(Set.of("fast"), null, window, true).join();
    assertThat(second).isNotSameAs(first);
    assertThat(second.edges()).hasSize(2);
    topology.topology(Set.of("idle"), null, window, false).join();
    assertThat(recordedAttempts.get()).as("traffic without recorded series: for a minute, straight to the raw metrics")
        .isEqualTo(2 * oneAttempt);

    topology.topology(Set.of("fast"), Instant.now().minusSeconds(600), window, true).join();
    assertThat(recordedAttempts.get()).as("a TIMELINE instant may have them").isEqualTo(3 * oneAttempt);

    clock.addAndGet(Duration.ofSeconds(31).toNanos());
    topology.topology(Set.of("fast"), null, window, true).join();
    assertThat(recordedAttempts.get()).as("a minute later the rules may have run: it looks again").isEqualTo(4 * oneAttempt);
  }

  /** A shared evaluation goes on while anyone waits for it, and stops when the last one hangs up. */
  @Test
  void aSharedEvaluationStopsOnlyWhenEveryoneWaitingForItHasGone() {
    TopologyService topology = topology(prometheusClient(8));
    QueryScope first = new QueryScope("alice");
    QueryScope second = new QueryScope("bob");
    CompletableFuture<Topology> a = first.run(() -> topology.topology(Set.of("slow"), null, Duration.ofMinutes(1), true));
    CompletableFuture<Topology> b = second.run(() -> topology.topology(Set.of("slow"), null, Duration.ofMinutes(1), true));
    first.cancel();
    assertThat(b).as("bob still waits for it").isNotDone();
    second.cancel();
    // Prometheus still holds the answers (slowAnswers is not released): only abandoning the queries ends it.
    Topology abandoned = b.orTimeout(TestTimeouts.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS).join();
    assertThat(abandoned.errors()).as("nobody waits: its queries were abandoned").isNotEmpty()
        .allSatisfy(e -> assertThat(e).contains("nobody waits for the answer any more"));
    assertThat(slowAnswers.getCount()).isEqualTo(1);
  }
}
