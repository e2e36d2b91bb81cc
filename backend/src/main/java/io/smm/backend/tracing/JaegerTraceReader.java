package io.smm.backend.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Jaeger's query API (what the all-in-one the tracing component deploys serves on 16686): GET
 * /api/traces and /api/traces/{id}, answers as {"data": [trace, ...]} with spans referencing
 * their parent (CHILD_OF) and processes naming their service. Jaeger keeps Envoy's Zipkin span
 * kind in the span.kind tag.
 */
final class JaegerTraceReader implements TraceReader {

  private final TracingHttp http;

  JaegerTraceReader(TracingHttp http) {
    this.http = http;
  }

  @Override
  public String api() {
    return "jaeger";
  }

  @Override
  public List<Trace> traces(TraceQuery q) {
    Map<String, String> params = new LinkedHashMap<>();
    window(params, q.service(), q.end(), q.lookback(), q.limit());
    if (!q.minDuration().isZero()) {
      params.put("minDuration", q.minDuration().toNanos() / 1000 + "us");
    }
    if (q.errorsOnly()) {
      params.put("tags", "{\"error\":\"true\"}");
    }
    JsonNode answer = http.get("/api/traces", params).orElseThrow(
        () -> new TracingUnavailableException("the Jaeger query service at " + http.base() + " has no /api/traces"));
    List<Trace> out = new ArrayList<>();
    for (JsonNode trace : answer.path("data")) {
      out.add(trace(trace));
    }
    return out;
  }

  /** Jaeger searches one service at a time: the namespace's services (Istio's <app>.<namespace>), each asked until one has it. */
  @Override
  public List<Trace> tagged(String key, String value, String namespace, Instant end, Duration lookback, int limit) {
    JsonNode services = http.get("/api/services", Map.of()).orElseThrow(
        () -> new TracingUnavailableException("the Jaeger query service at " + http.base() + " has no /api/services")).path("data");
    List<Trace> out = new ArrayList<>();
    int asked = 0;
    for (JsonNode service : services) {
      if (!service.asText().endsWith("." + namespace) || asked++ >= MAX_SERVICES_ASKED) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      window(params, service.asText(), end, lookback, limit);
      params.put("tags", "{\"" + key + "\":\"" + value + "\"}");
      http.get("/api/traces", params).ifPresent(a -> a.path("data").forEach(t -> out.add(trace(t))));
      if (!out.isEmpty()) {
        break;
      }
    }
    return out;
  }

  /** One service's search over [end - lookback, end], at most {@code limit} traces, as Jaeger's /api/traces takes it. */
  private static void window(Map<String, String> params, String service, Instant end, Duration lookback, int limit) {
    params.put("service", service);
    params.put("end", Long.toString(micros(end)));
    params.put("start", Long.toString(micros(end) - lookback.toNanos() / 1000));
    params.put("limit", Integer.toString(limit));
  }

  /** How many of a namespace's services a tag search asks at most. */
  static final int MAX_SERVICES_ASKED = 50;

  @Override
  public Optional<Trace> trace(String traceId) {
    return http.get("/api/traces/" + traceId, Map.of()).map(a -> a.path("data")).filter(d -> d.size() > 0).map(d -> trace(d.get(0)));
  }

  private static Trace trace(JsonNode trace) {
    JsonNode processes = trace.path("processes");
    List<RawSpan> spans = new ArrayList<>();
    for (JsonNode s : trace.path("spans")) {
      Map<String, String> tags = new LinkedHashMap<>();
      for (JsonNode t : s.path("tags")) {
        tags.put(t.path("key").asText(), t.path("value").asText());
      }
      String parent = null;
      for (JsonNode ref : s.path("references")) {
        if ("CHILD_OF".equals(ref.path("refType").asText()) && !ref.path("spanID").asText().equals(s.path("spanID").asText())) {
          parent = ref.path("spanID").asText();
        }
      }
      String kind = tags.getOrDefault("span.kind", "").toUpperCase(Locale.ROOT);
      spans.add(new RawSpan(s.path("traceID").asText(), s.path("spanID").asText(), parent, kind,
          processes.path(s.path("processID").asText()).path("serviceName").asText("unknown"), s.path("operationName").asText(""),
          s.path("startTime").asLong(), s.path("duration").asLong(), tags));
    }
    return Trace.of(trace.path("traceID").asText(), asShared(spans));
  }

  /**
   * Jaeger's query service gives the server half of a Zipkin shared span its own id, as a child
   * of the client half (its SpanIDDeduper); OpenTracing clients report the same shape. Such a
   * server span is the other half of its client parent's hop: it takes the client's id again (and
   * its children follow), so that both APIs give the same trace.
   */
  private static List<RawSpan> asShared(List<RawSpan> spans) {
    Map<String, RawSpan> byId = new LinkedHashMap<>();
    spans.forEach(s -> byId.put(s.id(), s));
    Map<String, String> renamed = new LinkedHashMap<>();
    for (RawSpan s : spans) {
      RawSpan parent = s.parentId() == null ? null : byId.get(s.parentId());
      if ("SERVER".equals(s.kind()) && parent != null && "CLIENT".equals(parent.kind())) {
        renamed.put(s.id(), parent.id());
      }
    }
    List<RawSpan> out = new ArrayList<>();
    for (RawSpan s : spans) {
      String id = renamed.getOrDefault(s.id(), s.id());
      String parent = renamed.containsKey(s.id()) ? byId.get(s.parentId()).parentId() : renamed.getOrDefault(s.parentId(), s.parentId());
      out.add(new RawSpan(s.traceId(), id, parent, s.kind(), s.service(), s.name(), s.startMicros(), s.durationMicros(), s.tags()));
    }
    return out;
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }
}
