package io.smm.sandbox.envoy;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One sidecar's outlier detection, per upstream cluster and endpoint, as Envoy does it for
 * Istio's outlierDetection: consecutive 5xx (or gateway errors: 502, 503, 504 and connection
 * failures) eject the endpoint at once for baseEjectionTime times the number of its ejections
 * (at most 300 s); at most maxEjectionPercent of the cluster's endpoints are ejected at a time, but
 * always at least one. A success resets the count. Istio disables Envoy's panic threshold, so a
 * cluster with every endpoint ejected answers 503 "no healthy upstream".
 */
public final class OutlierDetector {

  private static final long MAX_EJECTION_MS = 300_000;

  private static final class Endpoint {
    int consecutive5xx;
    int consecutiveGateway;
    int ejections;
    long ejectedUntil;
  }

  private final Map<String, Map<String, Endpoint>> clusters = new ConcurrentHashMap<>();

  boolean ejected(String cluster, String endpoint, long nowMs) {
    Endpoint e = clusters.getOrDefault(cluster, Map.of()).get(endpoint);
    return e != null && e.ejectedUntil > nowMs;
  }

  /** Records one response of {@code endpoint}, one of {@code clusterSize} endpoints of {@code cluster}. */
  void report(String cluster, String endpoint, int clusterSize, int httpStatus, boolean connectFailure, TrafficPolicy.Outlier policy,
      long nowMs) {
    if (policy == null) {
      return;
    }
    Map<String, Endpoint> endpoints = clusters.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>());
    synchronized (endpoints) {
      Endpoint e = endpoints.computeIfAbsent(endpoint, k -> new Endpoint());
      boolean gatewayError = connectFailure || httpStatus == 502 || httpStatus == 503 || httpStatus == 504;
      if (httpStatus >= 500 || connectFailure) {
        e.consecutive5xx++;
        e.consecutiveGateway = gatewayError ? e.consecutiveGateway + 1 : 0;
      } else {
        e.consecutive5xx = 0;
        e.consecutiveGateway = 0;
        return;
      }
      boolean trip = policy.consecutive5xxErrors() > 0 && e.consecutive5xx >= policy.consecutive5xxErrors()
          || policy.consecutiveGatewayErrors() > 0 && e.consecutiveGateway >= policy.consecutiveGatewayErrors();
      if (trip && e.ejectedUntil <= nowMs && ejectedCount(endpoints.values(), nowMs) < allowed(clusterSize, policy)) {
        e.ejections++;
        e.ejectedUntil = nowMs + Math.min(MAX_EJECTION_MS, policy.baseEjectionMs() * e.ejections);
        e.consecutive5xx = 0;
        e.consecutiveGateway = 0;
      }
    }
  }

  private static long ejectedCount(Collection<Endpoint> endpoints, long nowMs) {
    return endpoints.stream().filter(e -> e.ejectedUntil > nowMs).count();
  }

  private static long allowed(int clusterSize, TrafficPolicy.Outlier policy) {
    return Math.max(1, (long) Math.floor(clusterSize * policy.maxEjectionPercent() / 100.0));
  }
}
