package io.smm.backend.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same searches against Jaeger's query API (what the tracing component deploys in a cluster),
 * answered with Jaeger 1.28's JSON for spans Envoy reported in Zipkin format: the backend finds out
 * it is Jaeger, asks with Jaeger's parameters, and builds the same trace as from Zipkin (the server
 * halves Jaeger re-ids joined to their client halves).
 */
class JaegerTracesTest {

  static final String TRACE = "7cf92f3577b34da6a3ce929d0e0e4736";
  HttpServer jaeger;
  final List<String> asked = new CopyOnWriteArrayList<>();
  TraceService traces;

  @BeforeEach
  void startJaeger() throws IOException {
    jaeger = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    jaeger.createContext("/", this::answer);
    jaeger.start();
    traces = new TraceService(new TracingBackend(URI.create("http://127.0.0.1:" + jaeger.getAddress().getPort()), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    jaeger.stop(0);
  }

  /** Jaeger's routes: Zipkin's /api/v2 is not there (404), as on a real all-in-one. */
  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    asked.add(path + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + URLDecoder.decode(ex.getRequestURI().getRawQuery(),
        StandardCharsets.UTF_8)));
    String fixture = switch (path) {
      case "/api/services" -> "services.json";
      case "/api/traces" -> "traces.json";
      case "/api/traces/" + TRACE -> "trace.json";
      default -> path.startsWith("/api/traces/") ? "trace-not-found.json" : null;
    };
    int status = fixture == null || fixture.equals("trace-not-found.json") ? 404 : 200;
    byte[] body = fixture == null ? "404 page not found".getBytes(StandardCharsets.UTF_8) : fixture(fixture);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = JaegerTracesTest.class.getResourceAsStream("/jaeger/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void searchesWithJaegersParametersAndReadsItsAnswer() {
    Instant end = Instant.parse("2026-12-06T12:00:00Z");
    TraceService.Search found = traces.slowest("smm-demo", "payments", null, end, Duration.ofMinutes(15), Duration.ofMillis(250), true,
        10, ns -> true);

    assertThat(found.available()).isTrue();
    assertThat(found.api()).isEqualTo("jaeger");
    assertThat(asked).contains("/api/v2/services", "/api/services");
    String search = asked.stream().filter(a -> a.startsWith("/api/traces?")).findFirst().orElseThrow();
    long endMicros = end.toEpochMilli() * 1000;
    assertThat(search).contains("service=payments.smm-demo", "end=" + endMicros, "start=" + (endMicros - 15 * 60 * 1_000_000L),
        "minDuration=250000us", "tags={\"error\":\"true\"}");
    TraceService.Summary t = found.traces().get(0);
    assertThat(t.traceId()).isEqualTo(TRACE);
    assertThat(t.rootService()).isEqualTo("frontpage.smm-demo");
    assertThat(t.spanCount()).as("three hops: Jaeger's re-id'd server halves joined to their clients").isEqualTo(3);
    assertThat(t.durationMs()).isEqualTo(900.0);
    assertThat(t.error()).isTrue();
  }

  @Test
  void aTraceFromJaegerIsTheSameShapeAsFromZipkin() {
    Trace t = traces.trace(TRACE, ns -> true).trace();

    assertThat(t.spans()).extracting(Span::service).containsExactly("frontpage.smm-demo", "bookings.smm-demo", "payments.smm-demo");
    assertThat(t.spans()).extracting(Span::caller).containsExactly(null, "frontpage.smm-demo", "bookings.smm-demo");
    assertThat(t.spans().get(1).parentId()).isEqualTo(t.spans().get(0).id());
    assertThat(t.spans().get(2).parentId()).as("a child of the bookings hop, whatever id Jaeger gave its server half")
        .isEqualTo(t.spans().get(1).id());
    assertThat(t.spans().get(2).durationMicros()).isEqualTo(700_000);
    assertThat(t.spans().get(2).serverDurationMicros()).isEqualTo(690_000);
    assertThat(t.spans().get(2).error()).isTrue();
    assertThat(t.spans().get(2).tag("http.status_code")).isEqualTo("503");
  }

  @Test
  void aRequestIsFoundByAskingTheNamespacesServicesWithItsRequestIdTag() {
    TraceService.Lookup found = traces.byRequestId("9d1f-req", "smm-demo", Instant.parse("2026-12-06T12:00:00Z"), Duration.ofHours(1),
        ns -> true);
    assertThat(found.found()).isTrue();
    assertThat(found.trace().traceId()).isEqualTo(TRACE);
    String search = asked.stream().filter(a -> a.startsWith("/api/traces?")).findFirst().orElseThrow();
    assertThat(search).contains("service=bookings.smm-demo", "tags={\"guid:x-request-id\":\"9d1f-req\"}", "limit=1");
  }

  @Test
  void aTraceJaegerDoesNotHaveIsNotFound() {
    TraceService.Lookup missing = traces.trace("0123456789abcdef", ns -> true);
    assertThat(missing.available()).isTrue();
    assertThat(missing.found()).isFalse();
    assertThat(missing.message()).contains("0123456789abcdef").contains("not found");
  }
}
