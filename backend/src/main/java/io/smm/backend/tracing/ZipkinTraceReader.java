package io.smm.backend.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Zipkin's v2 query API: GET /api/v2/traces and /api/v2/trace/{id}, spans in Zipkin's v2 JSON model. */
final class ZipkinTraceReader implements TraceReader {

  private final TracingHttp http;

  ZipkinTraceReader(TracingHttp http) {
    this.http = http;
  }

  @Override
  public String api() {
    return "zipkin";
  }

  @Override
  public List<Trace> traces(TraceQuery q) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("serviceName", q.service());
    window(params, q.end(), q.lookback(), q.limit());
    if (!q.minDuration().isZero()) {
      params.put("minDuration", Long.toString(q.minDuration().toNanos() / 1000));
    }
    if (q.errorsOnly()) {
      params.put("annotationQuery", "error"); // Envoy's error tag, whatever its value
    }
    return search(params).stream().map(ZipkinTraceReader::trace).toList();
  }

  /** Zipkin searches every service when none is named: one query, the namespace checked on the answer. */
  @Override
  public List<Trace> tagged(String key, String value, String namespace, Instant end, Duration lookback, int limit) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("annotationQuery", key + "=" + value);
    window(params, end, lookback, limit);
    return search(params).stream()
        .filter(spans -> spans.stream().anyMatch(s -> TraceService.namespaceOf(s.service()).equals(namespace)))
        .map(ZipkinTraceReader::trace).toList();
  }

  /** The time range and size of a search, as Zipkin's /api/v2/traces takes them. */
  private static void window(Map<String, String> params, Instant end, Duration lookback, int limit) {
    params.put("endTs", Long.toString(end.toEpochMilli()));
    params.put("lookback", Long.toString(lookback.toMillis()));
    params.put("limit", Integer.toString(limit));
  }

  /** The traces a search finds, each as its raw spans (none empty). */
  private List<List<RawSpan>> search(Map<String, String> params) {
    JsonNode answer = http.get("/api/v2/traces", params).orElseThrow(
        () -> new TracingUnavailableException("the Zipkin server at " + http.base() + " has no /api/v2/traces"));
    List<List<RawSpan>> out = new ArrayList<>();
    for (JsonNode trace : answer) {
      List<RawSpan> spans = spans(trace);
      if (!spans.isEmpty()) {
        out.add(spans);
      }
    }
    return out;
  }

  private static Trace trace(List<RawSpan> spans) {
    return Trace.of(spans.get(0).traceId(), spans);
  }

  @Override
  public Optional<Trace> trace(String traceId) {
    return http.get("/api/v2/trace/" + traceId, Map.of()).map(this::spans).filter(s -> !s.isEmpty()).map(ZipkinTraceReader::trace);
  }

  private List<RawSpan> spans(JsonNode trace) {
    List<RawSpan> out = new ArrayList<>();
    for (JsonNode s : trace) {
      Map<String, String> tags = new LinkedHashMap<>();
      s.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
      out.add(new RawSpan(s.path("traceId").asText(), s.path("id").asText(), s.hasNonNull("parentId") ? s.path("parentId").asText() : null,
          s.path("kind").asText(""), s.at("/localEndpoint/serviceName").asText("unknown"), s.path("name").asText(""),
          s.path("timestamp").asLong(), s.path("duration").asLong(), tags));
    }
    return out;
  }
}
