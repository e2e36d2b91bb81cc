package io.smm.sandbox.envoy;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Zipkin's B3 propagation as Envoy's zipkin tracer reads and writes it: x-b3-traceid (128-bit, as
 * Istio sets trace_id_128bit), x-b3-spanid, x-b3-parentspanid and x-b3-sampled. The first proxy a
 * request meets without them starts the trace and takes the sampling decision; every other proxy
 * keeps it. The application has to copy these headers from its inbound request to its outbound
 * ones (Istio's "context propagation"); the demo application does.
 */
public record TraceContext(String traceId, String spanId, String parentId, boolean sampled) {

  public static final String TRACE_ID = "x-b3-traceid";
  public static final String SPAN_ID = "x-b3-spanid";
  public static final String PARENT_ID = "x-b3-parentspanid";
  public static final String SAMPLED = "x-b3-sampled";

  /** The context a request carries, or null when it carries none (a valid trace and span id are both needed). */
  public static TraceContext of(Map<String, String> headers) {
    String trace = headers.get(TRACE_ID);
    String span = headers.get(SPAN_ID);
    if (!hex(trace, 16, 32) || !hex(span, 16, 16)) {
      return null;
    }
    String parent = headers.get(PARENT_ID);
    return new TraceContext(trace, span, hex(parent, 16, 16) ? parent : null, !"0".equals(headers.get(SAMPLED)));
  }

  /** A new trace: its root span, sampled with {@code samplingPercent} % probability. */
  public static TraceContext start(double samplingPercent) {
    return new TraceContext(id(16), id(8), null, ThreadLocalRandom.current().nextDouble() * 100 < samplingPercent);
  }

  /** A span whose parent is this one, in the same trace with the same sampling decision. */
  public TraceContext child() {
    return new TraceContext(traceId, id(8), spanId, sampled);
  }

  /** Writes this context into a request's headers (replacing what was there). */
  public void write(Map<String, String> headers) {
    headers.put(TRACE_ID, traceId);
    headers.put(SPAN_ID, spanId);
    if (parentId == null) {
      headers.remove(PARENT_ID);
    } else {
      headers.put(PARENT_ID, parentId);
    }
    headers.put(SAMPLED, sampled ? "1" : "0");
  }

  private static String id(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    if (b[0] == 0) {
      b[0] = 1; // all-zero ids are invalid in B3
    }
    return HexFormat.of().formatHex(b);
  }

  private static boolean hex(String s, int minLength, int maxLength) {
    if (s == null || s.length() < minLength || s.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
