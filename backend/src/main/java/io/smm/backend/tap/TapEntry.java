package io.smm.backend.tap;

import java.util.Map;

/**
 * One access log entry of a sidecar as tap shows it: who reported it, the two sides of the call,
 * the request and the response. HTTP and gRPC requests and TCP connections (protocol "tcp", no
 * request line). Field names are the JSON/GraphQL shape users filter with jq
 * ({@code .request.userAgent}, {@code .source.name}).
 *
 * @param time start of the request, RFC 3339
 * @param direction inbound (the reporter served it) or outbound (the reporter called out)
 * @param receivedNanos when the receiver got it (System.nanoTime), for delivery latency; not shown
 */
public record TapEntry(String time, String direction, Peer reporter, Peer source, Peer destination, String protocol, Request request,
    Response response, Upstream upstream, boolean mtls, long receivedNanos) {

  /** A pod (or VM host) taking part; name is the pod's name, or host:port when only that is known. */
  public record Peer(String cluster, String namespace, String workload, String name, String address) {}

  public record Request(String method, String path, String authority, String httpVersion, String userAgent, String id,
      Map<String, String> headers, long bytes) {}

  /** @param code HTTP status, 0 for TCP or when no response was sent; grpcStatus null unless gRPC */
  public record Response(int code, String grpcStatus, String flags, long bytes, long durationNanos) {}

  /** The Envoy cluster the reporter sent it to (outbound|8080||catalog...) and the address it reached, as tcp://ip:port. */
  public record Upstream(String cluster, String address) {}
}
