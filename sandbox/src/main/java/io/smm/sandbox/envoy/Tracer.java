package io.smm.sandbox.envoy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sidecar's zipkin tracer: it joins the trace a request carries (B3 headers) or starts one,
 * writes the context the next hop needs, and reports a CLIENT span per outbound request and a
 * SERVER span per inbound one, sharing the client's span id as Envoy's zipkin tracer does
 * (shared_span_context). Only sampled traces are reported. Istio names the service
 * {@code <canonical service>.<namespace>} and tags each span with its proxy and Istio metadata.
 */
public final class Tracer {

  private final TracingSettings settings;
  private final SpanReporter reporter;
  private final MeshIdentity self;
  private final String nodeId;
  private final SpanReporter.Counters counters = new SpanReporter.Counters();

  public Tracer(TracingSettings settings, SpanReporter reporter, MeshIdentity self) {
    this.settings = settings;
    this.reporter = reporter;
    this.self = self;
    this.nodeId = "sidecar~" + self.ip() + "~" + self.pod() + "." + self.namespace() + "~" + self.namespace() + ".svc.cluster.local";
  }

  public SpanReporter.Counters counters() {
    return counters;
  }

  /** The client span of an outbound request: a child of the request's context, or a new trace; its context goes into {@code headers}. */
  TraceContext outbound(Map<String, String> headers) {
    TraceContext carried = TraceContext.of(headers);
    TraceContext span = carried == null ? TraceContext.start(settings.samplingPercent()) : carried.child();
    span.write(headers);
    return span;
  }

  /**
   * The server span of an inbound request: the caller's span when its proxy sent one (shared),
   * else a new trace, written into {@code headers} so that the application can pass it on.
   */
  public Inbound inbound(Map<String, String> headers) {
    TraceContext carried = TraceContext.of(headers);
    if (carried != null) {
      return new Inbound(carried, true);
    }
    TraceContext root = TraceContext.start(settings.samplingPercent());
    root.write(headers);
    return new Inbound(root, false);
  }

  /** The span an inbound request is served in; shared when the caller's proxy reported its client half. */
  public record Inbound(TraceContext span, boolean shared) {}

  /** What one finished request looked like to this proxy. */
  record Hop(String name, Instant start, double durationMs, String method, String url, String protocol, int status, String flags,
      boolean error, String upstreamCluster, String peerAddress, String requestId, String userAgent, long requestBytes, long responseBytes) {}

  void client(TraceContext span, Hop hop) {
    report(span, "CLIENT", null, hop);
  }

  void server(Inbound inbound, Hop hop) {
    report(inbound.span(), "SERVER", inbound.shared() ? Boolean.TRUE : null, hop);
  }

  private void report(TraceContext span, String kind, Boolean shared, Hop hop) {
    if (!span.sampled()) {
      return;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("component", "proxy");
    tags.put("node_id", nodeId);
    tags.put("guid:x-request-id", hop.requestId() == null ? "" : hop.requestId());
    tags.put("http.url", hop.url());
    tags.put("http.method", hop.method());
    tags.put("http.protocol", hop.protocol());
    tags.put("http.status_code", Integer.toString(hop.status()));
    tags.put("downstream_cluster", "-");
    tags.put("user_agent", hop.userAgent() == null ? "-" : hop.userAgent());
    tags.put("request_size", Long.toString(hop.requestBytes()));
    tags.put("response_size", Long.toString(hop.responseBytes()));
    tags.put("response_flags", hop.flags());
    tags.put("upstream_cluster", hop.upstreamCluster());
    tags.put("upstream_cluster.name", hop.upstreamCluster());
    if (hop.peerAddress() != null) {
      tags.put("peer.address", hop.peerAddress());
    }
    tags.put("istio.canonical_service", self.app());
    tags.put("istio.canonical_revision", self.version());
    tags.put("istio.namespace", self.namespace());
    tags.put("istio.mesh_id", "cluster.local");
    if (hop.error()) {
      tags.put("error", "true");
    }
    long startMicros = hop.start().getEpochSecond() * 1_000_000 + hop.start().getNano() / 1_000;
    reporter.report(new ZipkinSpan(span.traceId(), span.parentId(), span.spanId(), kind, hop.name(), startMicros,
        Math.max(1, Math.round(hop.durationMs() * 1000)), shared,
        new ZipkinSpan.Endpoint(self.app() + "." + self.namespace(), self.ip().isEmpty() ? null : self.ip(), null), null, tags), counters);
  }
}
