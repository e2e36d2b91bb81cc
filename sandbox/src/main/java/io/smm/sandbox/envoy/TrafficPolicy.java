package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The DestinationRule settings a sidecar applies to one upstream cluster (host and subset):
 * subset labels, connection pool limits, outlier detection and client TLS mode; a subset's own
 * trafficPolicy replaces the host-level settings field by field, as in Istio. The DestinationRule
 * is looked up in the caller's namespace, then the service's, then the root namespace.
 */
public record TrafficPolicy(Map<String, String> subsetLabels, boolean subsetMissing, ConnectionPool connectionPool, Outlier outlier,
    String tlsMode) {

  /** Envoy's circuit breaker thresholds; Istio's defaults are effectively unlimited. */
  public record ConnectionPool(int maxConnections, int http1MaxPendingRequests, int http2MaxRequests) {
    static final ConnectionPool UNLIMITED = new ConnectionPool(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** Requests one cluster may have in flight: HTTP/1.1 one per connection plus the pending queue; HTTP/2 (gRPC) multiplexed. */
    long maxInFlight(String protocol) {
      return protocol.equals("grpc") ? http2MaxRequests : Math.min(Integer.MAX_VALUE, (long) maxConnections + http1MaxPendingRequests);
    }
  }

  /** Outlier detection as Istio configures Envoy (defaults of the fields Istio documents). */
  public record Outlier(int consecutive5xxErrors, int consecutiveGatewayErrors, long baseEjectionMs, int maxEjectionPercent) {}

  static final TrafficPolicy NONE = new TrafficPolicy(Map.of(), false, ConnectionPool.UNLIMITED, null, null);

  static TrafficPolicy of(MeshResources.Snapshot mesh, Destination d, String callerNamespace, String subset, String revision) {
    JsonNode dr = find(mesh, d, callerNamespace, revision);
    if (dr == null) {
      return subset == null ? NONE : new TrafficPolicy(Map.of(), true, ConnectionPool.UNLIMITED, null, null);
    }
    JsonNode top = dr.path("trafficPolicy");
    JsonNode own = MissingNode.getInstance();
    Map<String, String> labels = new HashMap<>();
    boolean missing = false;
    if (subset != null) {
      missing = true;
      for (JsonNode s : dr.path("subsets")) {
        if (subset.equals(s.path("name").asText())) {
          s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          own = s.path("trafficPolicy");
          missing = false;
        }
      }
    }
    JsonNode pool = own.has("connectionPool") ? own.get("connectionPool") : top.path("connectionPool");
    JsonNode outlier = own.has("outlierDetection") ? own.get("outlierDetection") : top.path("outlierDetection");
    JsonNode tls = own.has("tls") ? own.get("tls") : top.path("tls");
    return new TrafficPolicy(Map.copyOf(labels), missing, pool(pool), outlier(outlier), tls.path("mode").asText(null));
  }

  private static JsonNode find(MeshResources.Snapshot mesh, Destination d, String callerNamespace, String revision) {
    String root = mesh.meshConfig(revision).path("rootNamespace").asText("istio-system");
    for (String ns : new String[] {callerNamespace, d.namespace(), root}) {
      for (MeshResources.Rule dr : mesh.destinationRules()) {
        if (dr.namespace().equals(ns) && d.isNamedBy(dr.spec().path("host").asText(), dr.namespace())) {
          return dr.spec();
        }
      }
    }
    return null;
  }

  private static ConnectionPool pool(JsonNode pool) {
    if (pool.isMissingNode() || pool.isEmpty()) {
      return ConnectionPool.UNLIMITED;
    }
    return new ConnectionPool(limit(pool.at("/tcp/maxConnections")), limit(pool.at("/http/http1MaxPendingRequests")),
        limit(pool.at("/http/http2MaxRequests")));
  }

  private static int limit(JsonNode value) {
    return value.isMissingNode() || value.asInt() <= 0 ? Integer.MAX_VALUE : value.asInt();
  }

  private static Outlier outlier(JsonNode o) {
    if (o.isMissingNode() || o.isNull()) {
      return null;
    }
    int consecutive = o.has("consecutive5xxErrors") ? o.get("consecutive5xxErrors").asInt()
        : o.path("consecutiveErrors").asInt(5);
    return new Outlier(consecutive, o.path("consecutiveGatewayErrors").asInt(0),
        o.has("baseEjectionTime") ? Durations.millis(o.get("baseEjectionTime").asText()) : 30_000,
        o.path("maxEjectionPercent").asInt(10));
  }
}
