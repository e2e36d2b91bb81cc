package io.smm.backend.tracing;

import java.util.Map;

/**
 * One hop of a trace as the dashboard draws it: the client and server halves Envoy reports with
 * one span id (Zipkin's shared span) merged into one span, attributed to the service that served
 * it ({@code service}) and called by {@code caller}. Times in microseconds since the epoch.
 *
 * @param serverDurationMicros how long the server's proxy saw it, without the network (null: no server half)
 */
public record Span(String id, String parentId, String service, String caller, String name, long startMicros, long durationMicros,
    Long serverDurationMicros, boolean error, Map<String, String> tags) {

  public String tag(String key) {
    return tags.get(key);
  }
}
