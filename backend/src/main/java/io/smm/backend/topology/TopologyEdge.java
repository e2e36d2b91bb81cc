package io.smm.backend.topology;

import java.util.Map;

/**
 * Traffic from one node to another over one protocol (http, grpc, tcp) in the window: requests
 * per second and the share that failed (HTTP 5xx, gRPC status other than OK), latency quantiles
 * in ms (NaN without requests), TCP bytes per second, the share of traffic the server saw over
 * mutual TLS (NaN when unknown), and requests per second by response code.
 */
public record TopologyEdge(String source, String target, String protocol, double requestsPerSecond, double errorRatio,
    double p50, double p95, double p99, double tcpSentBytesPerSecond, double tcpReceivedBytesPerSecond, double mtlsRatio,
    Map<String, Double> responseCodes) {}
