package io.smm.sandbox.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.smm.sandbox.testing.Eventually;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sidecars' zipkin tracing: B3 propagation hop by hop, shared spans, sampling, and a collector that is down. */
class TracerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final MeshIdentity FRONTPAGE = new MeshIdentity("frontpage-v1", "smm-demo", "frontpage", "v1",
      "spiffe://cluster.local/ns/smm-demo/sa/frontpage", "frontpage-v1-abc", "c1", "10.0.0.1");
  static final MeshIdentity BOOKINGS = new MeshIdentity("bookings-v1", "smm-demo", "bookings", "v1",
      "spiffe://cluster.local/ns/smm-demo/sa/bookings", "bookings-v1-def", "c1", "10.0.0.2");

  HttpServer collector;
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  SpanReporter reporter;

  @BeforeEach
  void startCollector() throws Exception {
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    collector.createContext("/api/v2/spans", ex -> {
      JSON.readTree(ex.getRequestBody()).forEach(received::add);
      ex.sendResponseHeaders(202, -1);
      ex.close();
    });
    collector.start();
    String address = "127.0.0.1:" + collector.getAddress().getPort();
    reporter = new SpanReporter(() -> address, Duration.ofMillis(50));
  }

  @AfterEach
  void stop() {
    reporter.close();
    collector.stop(0);
  }

  private Tracer tracer(MeshIdentity who, double sampling) {
    return new Tracer(new TracingSettings(true, sampling, "zipkin:9411"), reporter, who);
  }

  private static Tracer.Hop hop(String service) {
    return new Tracer.Hop(service + ".smm-demo.svc.cluster.local:8080/*", Instant.now(), 12.5, "GET",
        "http://" + service + ".smm-demo.svc.cluster.local:8080/", "HTTP/1.1", 200, "-", false,
        "outbound|8080||" + service + ".smm-demo.svc.cluster.local", "10.0.0.2:8080", "req-1", "smm-demo", 10, 20);
  }

  @Test
  void aRequestCarriesOneTraceThroughEveryHopWithSharedClientAndServerSpans() throws Exception {
    Tracer front = tracer(FRONTPAGE, 100);
    Tracer bookings = tracer(BOOKINGS, 0); // only a trace's first proxy decides: bookings follows the caller's decision

    // frontpage's application calls bookings without a trace: its sidecar starts one.
    Map<String, String> request = new HashMap<>();
    TraceContext client = front.outbound(request);
    assertThat(request).containsKeys(TraceContext.TRACE_ID, TraceContext.SPAN_ID).containsEntry(TraceContext.SAMPLED, "1");
    assertThat(request.get(TraceContext.TRACE_ID)).hasSize(32);
    // bookings' sidecar serves it in the same span, and its application's own call is a child of it.
    Map<String, String> inbound = new HashMap<>(request);
    Tracer.Inbound served = bookings.inbound(inbound);
    assertThat(served.shared()).isTrue();
    Map<String, String> next = new HashMap<>(inbound);
    TraceContext downstream = bookings.outbound(next);
    front.client(client, hop("bookings"));
    bookings.server(served, hop("bookings"));
    bookings.client(downstream, hop("payments"));

    Eventually.until(() -> received.size() == 3, Duration.ofSeconds(10), "three spans at the collector");
    JsonNode c = find("CLIENT", "frontpage.smm-demo");
    JsonNode s = find("SERVER", "bookings.smm-demo");
    JsonNode d = find("CLIENT", "bookings.smm-demo");
    assertThat(s.path("id").asText()).as("the server half shares the client's span").isEqualTo(c.path("id").asText());
    assertThat(s.path("shared").asBoolean()).isTrue();
    assertThat(d.path("parentId").asText()).isEqualTo(s.path("id").asText());
    assertThat(List.of(c, s, d)).allSatisfy(span -> assertThat(span.path("traceId").asText()).isEqualTo(request.get(TraceContext.TRACE_ID)));
    assertThat(c.path("duration").asLong()).isEqualTo(12_500);
    assertThat(c.at("/tags/istio.canonical_service").asText()).isEqualTo("frontpage");
    assertThat(c.at("/tags/node_id").asText()).isEqualTo("sidecar~10.0.0.1~frontpage-v1-abc.smm-demo~smm-demo.svc.cluster.local");
    assertThat(c.at("/tags/upstream_cluster").asText()).isEqualTo("outbound|8080||bookings.smm-demo.svc.cluster.local");
    // Counted once the collector has answered the report.
    Eventually.until(() -> front.counters().spansSent() == 1, Duration.ofSeconds(10), "frontpage's span counted as sent");
  }

  private JsonNode find(String kind, String service) {
    return received.stream().filter(j -> j.path("kind").asText().equals(kind) && j.at("/localEndpoint/serviceName").asText().equals(service))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " span of " + service + " in " + received));
  }

  @Test
  void anUnsampledTraceIsPropagatedButNotReported() throws Exception {
    Tracer front = tracer(FRONTPAGE, 0);
    Tracer bookings = tracer(BOOKINGS, 100);
    Map<String, String> request = new HashMap<>();
    TraceContext client = front.outbound(request);
    assertThat(request).containsEntry(TraceContext.SAMPLED, "0");
    Tracer.Inbound served = bookings.inbound(new HashMap<>(request));
    assertThat(served.span().sampled()).as("the first proxy's decision holds downstream").isFalse();
    front.client(client, hop("bookings"));
    bookings.server(served, hop("bookings"));
    // A sampled span after them: once it arrives, the unsampled ones would have too.
    Tracer marker = tracer(BOOKINGS, 100);
    marker.client(marker.outbound(new HashMap<>()), hop("marker"));
    Eventually.until(() -> !received.isEmpty(), Duration.ofSeconds(10), "the marker span");
    assertThat(received).hasSize(1);
  }

  @Test
  void anInboundRequestWithoutATraceStartsOneTheApplicationCanPassOn() {
    Map<String, String> headers = new HashMap<>();
    Tracer.Inbound root = tracer(BOOKINGS, 100).inbound(headers);
    assertThat(root.shared()).isFalse();
    assertThat(root.span().parentId()).isNull();
    assertThat(TraceContext.of(headers)).isEqualTo(root.span());
  }

  @Test
  void spansForACollectorThatIsDownAreDroppedAndCountedWithoutWaiting() throws Exception {
    SpanReporter nowhere = new SpanReporter(() -> null, Duration.ofMillis(50));
    try {
      Tracer t = new Tracer(new TracingSettings(true, 100, "zipkin:9411"), nowhere, FRONTPAGE);
      long t0 = System.nanoTime();
      for (int i = 0; i < SpanReporter.BUFFER + 500; i++) {
        t.client(t.outbound(new HashMap<>()), hop("bookings"));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("reporting never blocks").isLessThan(Duration.ofSeconds(20));
      Eventually.until(() -> t.counters().spansDropped() == SpanReporter.BUFFER + 500, Duration.ofSeconds(20),
          () -> "every span dropped and counted, now " + t.counters().spansDropped());
      assertThat(t.counters().spansSent()).isZero();
      assertThat(t.counters().reportsFailed()).isPositive();
    } finally {
      nowhere.close();
    }
  }

  @Test
  void samplingAndCollectorComeFromTheMeshConfigUnlessThePodSaysOtherwise() throws Exception {
    JsonNode mesh = JSON.readTree("{\"enableTracing\":true,\"defaultConfig\":{\"tracing\":{\"sampling\":1.0,"
        + "\"zipkin\":{\"address\":\"smm-zipkin.smm-system.svc.cluster.local:59411\"}}}}");
    assertThat(TracingSettings.of(mesh, pod(null)))
        .isEqualTo(new TracingSettings(true, 1.0, "smm-zipkin.smm-system.svc.cluster.local:59411"));
    assertThat(TracingSettings.of(mesh, pod("tracing:\n  sampling: 100\n")).samplingPercent()).isEqualTo(100.0);
    assertThat(TracingSettings.of(mesh, pod("{not yaml")).samplingPercent()).as("a bad annotation is ignored, as istiod does").isEqualTo(1.0);
    assertThat(TracingSettings.of(JSON.readTree("{}"), pod(null)))
        .as("Istio's defaults").isEqualTo(new TracingSettings(true, 1.0, "zipkin.istio-system:9411"));
    assertThat(TracingSettings.of(JSON.readTree("{\"enableTracing\":false}"), pod(null)).enabled()).isFalse();
  }

  private static Pod pod(String proxyConfig) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("p").withNamespace("smm-demo").endMetadata();
    if (proxyConfig != null) {
      b.editMetadata().addToAnnotations("proxy.istio.io/config", proxyConfig).endMetadata();
    }
    return b.build();
  }
}
