package io.smm.backend.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.tracing.ZipkinServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace search and lookup against the real Zipkin server: spans posted as Envoy's zipkin
 * tracer posts them (shared client/server halves, Istio's service names and tags), then read back
 * through Zipkin's query API the way the dashboard asks.
 */
class ZipkinTracesTest {

  @TempDir
  static Path dir;
  static ZipkinServer zipkin;
  static TraceService traces;
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.now();
  static final String SLOW = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String FAST = "5bf92f3577b34da6a3ce929d0e0e4736";
  static final String FAILED = "6bf92f3577b34da6a3ce929d0e0e4736";

  @BeforeAll
  static void startZipkin() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    zipkin = new ZipkinServer(dir, port, pid -> {});
    zipkin.start(Duration.ofSeconds(120));
    traces = new TraceService(new TracingBackend(URI.create(zipkin.url()), Duration.ofSeconds(10)));
    List<Map<String, Object>> spans = new ArrayList<>();
    spans.addAll(chain(SLOW, 2_400, false));
    spans.addAll(chain(FAST, 40, false));
    spans.addAll(chain(FAILED, 300, true));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(zipkin.url() + "/api/v2/spans"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(spans))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
    Eventually.until(() -> lookup(SLOW).found() && lookup(FAST).found() && lookup(FAILED).found(), Duration.ofSeconds(30),
        "Zipkin to store the posted traces");
  }

  @AfterAll
  static void stopZipkin() {
    if (zipkin != null) {
      zipkin.close();
    }
  }

  private static TraceService.Lookup lookup(String id) {
    return traces.trace(id, ns -> true);
  }

  /**
   * frontpage (entry, server span only) → bookings → payments → notifications, each hop a shared
   * client/server span; payments takes {@code paymentsMs}; with {@code fail} notifications answers 503.
   */
  private static List<Map<String, Object>> chain(String traceId, long paymentsMs, boolean fail) {
    long t0 = NOW.minusSeconds(30).toEpochMilli() * 1000;
    String suffix = traceId.substring(0, 4);
    String front = "a000000000000" + suffix.substring(1);
    String bookings = "b000000000000" + suffix.substring(1);
    String payments = "c000000000000" + suffix.substring(1);
    String notifications = "d000000000000" + suffix.substring(1);
    long p = paymentsMs * 1000;
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(span(traceId, front, null, "SERVER", "frontpage", "frontpage-v1-7d9c", t0, p + 30_000, false, "200"));
    out.add(span(traceId, bookings, front, "CLIENT", "frontpage", "frontpage-v1-7d9c", t0 + 1_000, p + 20_000, false, "200"));
    out.add(span(traceId, bookings, front, "SERVER", "bookings", "bookings-v1-5f6b", t0 + 2_000, p + 18_000, false, "200"));
    out.add(span(traceId, payments, bookings, "CLIENT", "bookings", "bookings-v1-5f6b", t0 + 3_000, p + 10_000, false, "200"));
    out.add(span(traceId, payments, bookings, "SERVER", "payments", "payments-v1-88aa", t0 + 4_000, p + 8_000, false, "200"));
    out.add(span(traceId, notifications, payments, "CLIENT", "payments", "payments-v1-88aa", t0 + 5_000 + p, 2_000, fail,
        fail ? "503" : "200"));
    out.add(span(traceId, notifications, payments, "SERVER", "notifications", "notifications-v1-1234", t0 + 5_500 + p, 1_000, fail,
        fail ? "503" : "200"));
    return out;
  }

  private static Map<String, Object> span(String traceId, String id, String parent, String kind, String app, String pod, long ts,
      long duration, boolean error, String status) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("traceId", traceId);
    if (parent != null) {
      s.put("parentId", parent);
    }
    s.put("id", id);
    s.put("kind", kind);
    s.put("name", app + ".smm-demo.svc.cluster.local:8080/*");
    s.put("timestamp", ts);
    s.put("duration", duration);
    if (kind.equals("SERVER") && parent != null) {
      s.put("shared", true);
    }
    s.put("localEndpoint", Map.of("serviceName", app + ".smm-demo"));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("http.status_code", status);
    tags.put("node_id", "sidecar~10.0.0.1~" + pod + ".smm-demo~smm-demo.svc.cluster.local");
    tags.put("istio.canonical_service", app);
    tags.put("guid:x-request-id", "req-" + traceId.substring(0, 8));
    // The client's proxy injected a delay for payments (Envoy's DI flag); the server's saw nothing special.
    tags.put("response_flags", kind.equals("CLIENT") && app.equals("bookings") ? "DI" : "-");
    if (error) {
      tags.put("error", "true");
    }
    s.put("tags", tags);
    return s;
  }

  private static TraceService.Search search(String app, String workload, Duration min, boolean errorsOnly) {
    return search(app, workload == null ? null : new TraceService.Workload(workload, Set.of()), min, errorsOnly);
  }

  private static TraceService.Search search(String app, TraceService.Workload workload, Duration min, boolean errorsOnly) {
    return traces.slowest("smm-demo", app, workload, Instant.now(), Duration.ofMinutes(10), min, errorsOnly, 10, ns -> true);
  }

  @Test
  void aServicesTracesComeSlowestFirstWithTheirRootAndSpans() {
    TraceService.Search found = search("payments", (String) null, Duration.ZERO, false);

    assertThat(found.available()).isTrue();
    assertThat(found.api()).isEqualTo("zipkin");
    assertThat(found.traces()).extracting(TraceService.Summary::traceId).containsExactly(SLOW, FAILED, FAST);
    TraceService.Summary slow = found.traces().get(0);
    assertThat(slow.rootService()).isEqualTo("frontpage.smm-demo");
    assertThat(slow.spanCount()).as("four hops, the shared halves merged").isEqualTo(4);
    assertThat(slow.durationMs()).isEqualTo(2_430.0);
    assertThat(slow.services()).contains("bookings.smm-demo", "payments.smm-demo", "notifications.smm-demo");
  }

  @Test
  void minimumDurationAndErrorsNarrowTheSearch() {
    assertThat(search("payments", (String) null, Duration.ofMillis(1_000), false).traces()).extracting(TraceService.Summary::traceId)
        .containsExactly(SLOW);
    TraceService.Search failed = search("payments", (String) null, Duration.ZERO, true);
    assertThat(failed.traces()).extracting(TraceService.Summary::traceId).containsExactly(FAILED);
    assertThat(failed.traces().get(0).error()).isTrue();
  }

  @Test
  void aWorkloadsTracesAreThoseItsPodsTookPartIn() {
    assertThat(search("payments", "payments-v1", Duration.ZERO, false).traces()).hasSize(3);
    TraceService.Search notThroughV2 = search("payments", "payments-v2", Duration.ZERO, false);
    assertThat(notThroughV2.traces()).isEmpty();
    // The service has traces, just none through this workload: the message says which, not that the service has none.
    assertThat(notThroughV2.message()).isEqualTo("no traces of payments.smm-demo through workload payments-v2 in this time range");
    // A VM workload's proxy is named for its host (a WorkloadEntry's), not the workload: traces through that host count.
    assertThat(search("payments", new TraceService.Workload("payments-v0", Set.of("payments-v1-88aa")), Duration.ZERO, false).traces())
        .hasSize(3);
    assertThat(search("payments", new TraceService.Workload("payments-v0", Set.of("payments-vm-9")), Duration.ZERO, false).traces())
        .isEmpty();
  }

  @Test
  void aTraceHasItsHopsNestedParentsFirst() {
    Trace t = lookup(SLOW).trace();

    assertThat(t.spans()).extracting(Span::service)
        .containsExactly("frontpage.smm-demo", "bookings.smm-demo", "payments.smm-demo", "notifications.smm-demo");
    for (int i = 1; i < t.spans().size(); i++) {
      Span child = t.spans().get(i);
      Span parent = t.spans().get(i - 1);
      assertThat(child.parentId()).isEqualTo(parent.id());
      assertThat(child.caller()).as("the client half names the caller").isEqualTo(parent.service());
      assertThat(child.startMicros()).isGreaterThanOrEqualTo(parent.startMicros());
      assertThat(child.startMicros() + child.durationMicros()).as("children end within their parent")
          .isLessThanOrEqualTo(parent.startMicros() + parent.durationMicros());
    }
    Span payments = t.spans().get(2);
    assertThat(payments.durationMicros()).as("the client's timing").isEqualTo(2_410_000);
    assertThat(payments.serverDurationMicros()).as("the server's own").isEqualTo(2_408_000);
    assertThat(payments.tag("node_id")).as("the server's tags win").contains("payments-v1-88aa");
    assertThat(payments.tag("response_flags")).as("but not a server's \"-\" over the client's delay").isEqualTo("DI");
  }

  @Test
  void aRequestsTraceIsFoundByItsRequestId() {
    TraceService.Lookup found = traces.byRequestId("req-" + FAILED.substring(0, 8), "smm-demo", Instant.now(), Duration.ofMinutes(10),
        ns -> true);
    assertThat(found.found()).isTrue();
    assertThat(found.trace().traceId()).isEqualTo(FAILED);
    assertThat(traces.byRequestId("req-" + FAILED.substring(0, 8), "elsewhere", Instant.now(), Duration.ofMinutes(10), ns -> true)
        .found()).as("not through that namespace").isFalse();
    TraceService.Lookup missing = traces.byRequestId("no-such-request", "smm-demo", Instant.now(), Duration.ofMinutes(10), ns -> true);
    assertThat(missing.found()).isFalse();
    assertThat(missing.message()).contains("no-such-request");
    assertThatThrownBy(() -> traces.byRequestId("a\" and error", "smm-demo", Instant.now(), Duration.ofMinutes(10), ns -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnknownTraceIsNotFoundAndABadIdIsRefused() {
    TraceService.Lookup missing = lookup("0123456789abcdef0123456789abcdef");
    assertThat(missing.available()).isTrue();
    assertThat(missing.found()).isFalse();
    assertThat(missing.message()).contains("not found");
    assertThatThrownBy(() -> lookup("not-a-trace")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hexadecimal");
  }

  @Test
  void spansOfNamespacesTheCallerMayNotSeeAreLeftOut() {
    TraceService.Lookup none = traces.trace(SLOW, ns -> !ns.equals("smm-demo"));
    assertThat(none.found()).as("nothing of it visible: as if it did not exist").isFalse();
    assertThat(traces.slowest("smm-demo", "payments", null, Instant.now(), Duration.ofMinutes(10), Duration.ZERO, false, 10,
        ns -> false).traces()).isEmpty();
  }

  @Test
  void aTracingServerThatIsDownIsReportedNotThrown() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    TraceService down = new TraceService(new TracingBackend(URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(2)));

    TraceService.Search search = down.slowest("smm-demo", "payments", null, Instant.now(), Duration.ofMinutes(10), Duration.ZERO, false,
        10, ns -> true);
    assertThat(search.available()).isFalse();
    assertThat(search.message()).contains("not reachable").contains("127.0.0.1:" + closed);
    TraceService.Lookup lookup = down.trace(SLOW, ns -> true);
    assertThat(lookup.available()).isFalse();
    assertThat(lookup.message()).contains("not reachable");
  }
}
