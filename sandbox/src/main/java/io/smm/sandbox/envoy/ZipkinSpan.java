package io.smm.sandbox.envoy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One span in Zipkin's v2 JSON model, as Envoy's zipkin tracer reports it (collector endpoint
 * /api/v2/spans, HTTP_JSON): the client half of a hop from the calling sidecar and the server half,
 * with the same id ({@code shared}), from the called one. Times in microseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ZipkinSpan(String traceId, String parentId, String id, String kind, String name, long timestamp, long duration,
    Boolean shared, Endpoint localEndpoint, Endpoint remoteEndpoint, Map<String, String> tags) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Endpoint(String serviceName, String ipv4, Integer port) {}
}
