package io.smm.sandbox.envoy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated Envoy of one injected pod. Outbound it resolves the host (Services, ServiceEntries,
 * Sidecar egress, outbound traffic policy), applies the VirtualService route and the
 * DestinationRule policy (subsets, connection pool, outlier detection, client TLS), balances over
 * the endpoints, retries, and reports as reporter "source"; inbound it enforces the
 * PeerAuthentication mode and reports as reporter "destination". Both halves log to the ALS
 * receiver when the mesh config enables it.
 */
public final class SidecarProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SidecarProxy.class);

  private final Endpoints runtime;
  private final MeshIdentity identity;
  private final ServiceRegistry.Caller caller;
  private final SidecarMetrics metrics;
  private final String istioVersion;
  private final AccessLogSender accessLog;
  private final Tracer tracer;
  private final OutlierDetector outliers = new OutlierDetector();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  /** The istio-proxy container's stdout: Envoy's access log lines, in Istio's default text format (abridged). */
  public final LogBuffer accessLogText = new LogBuffer(1000);

  /** @param tracer the pod's zipkin tracer; null when the mesh config turns tracing off */
  public SidecarProxy(Endpoints runtime, MeshIdentity identity, ServiceRegistry.Caller caller, AccessLogSender accessLog, Tracer tracer,
      String istioVersion) {
    this.runtime = runtime;
    this.tracer = tracer;
    this.identity = identity;
    this.istioVersion = istioVersion;
    this.metrics = new SidecarMetrics(istioVersion);
    this.caller = caller;
    this.accessLog = accessLog;
  }

  public MeshIdentity identity() {
    return identity;
  }

  public String istioVersion() {
    return istioVersion;
  }

  /**
   * Whether this sidecar rejects the routes it was last sent (Envoy NACKs an RDS update it cannot
   * apply; istiod then shows its RDS as STALE): a VirtualService of the current configuration that
   * it had to skip. Editing or deleting that VirtualService clears it, as the next push is accepted.
   */
  public boolean rejectsRoutes(MeshResources.Snapshot mesh) {
    return mesh.virtualServices().stream().anyMatch(vs -> warned.contains(vs.key()));
  }

  public SidecarMetrics metrics() {
    return metrics;
  }

  // --- inbound -----------------------------------------------------------------------------------

  private PeerAuthentications.Mode inboundMode() {
    return PeerAuthentications.mode(runtime.mesh(), caller.namespace(), caller.labels(), caller.revision());
  }

  /** STRICT refuses connections that are not mutual TLS. */
  public boolean rejectsPlaintext(Map<String, String> headers) {
    return inboundMode() == PeerAuthentications.Mode.STRICT && !"mutual".equals(headers.get(Wire.TLS));
  }

  private SidecarMetrics.Peers inboundPeers(Map<String, String> headers) {
    boolean mtls = "mutual".equals(headers.get(Wire.TLS)) && inboundMode() != PeerAuthentications.Mode.DISABLE;
    String service = headers.getOrDefault(Wire.SERVICE, identity.app() + "." + identity.namespace() + ".svc.cluster.local");
    String[] parts = service.split("\\.");
    return new SidecarMetrics.Peers("destination", Wire.decode(headers.get(Wire.PEER)), identity, service, parts[0],
        parts.length > 1 ? parts[1] : identity.namespace(), mtls);
  }

  /**
   * The trace an inbound HTTP or gRPC request is served in, before the application sees it: the
   * caller's, or a new one whose B3 headers are added to {@code headers} (mutable) for the
   * application to propagate. Null when tracing is off.
   */
  public Tracer.Inbound inboundTrace(Map<String, String> headers) {
    return tracer == null ? null : tracer.inbound(headers);
  }

  /** @param trace what {@link #inboundTrace} returned for the request */
  public void inboundRequest(String protocol, int containerPort, String path, String method, Map<String, String> headers, Answer a,
      String downstream, long t0, Tracer.Inbound trace) {
    double ms = (System.nanoTime() - t0) / 1e6;
    SidecarMetrics.Peers peers = inboundPeers(headers);
    metrics.record(new SidecarMetrics.Request(peers, protocol, a.httpStatus(), a.grpcStatus(), "-", ms, 0, a.bytes()));
    if (trace != null && trace.span().sampled()) { // most requests are not (Istio samples 1 %): no span built for them
      String host = peers.destinationService() + ":" + containerPort;
      tracer.server(trace, new Tracer.Hop(host + "/*", runtime.startedAt(t0), ms, method, "http://" + host + path,
          protocol.equals("grpc") ? "HTTP/2" : "HTTP/1.1", a.httpStatus(), "-", failed(a.httpStatus(), a.grpcStatus()),
          "inbound|" + containerPort + "||", meshAddress(peers.source(), downstream), headers.get("x-request-id"),
          headers.get("user-agent"), 0, a.bytes()));
    }
    log(new AccessLogSender.Entry(false, protocol, runtime.startedAt(t0), ms, method, path, peers.destinationService() + ":" + containerPort,
        "inbound|" + containerPort + "||", identity.address(containerPort, "127.0.0.1:" + containerPort),
        meshAddress(peers.source(), downstream), a.httpStatus(), a.grpcStatus(), 0, a.bytes(), "-",
        headers.getOrDefault("user-agent", "-"), headers.get("x-request-id"), peers.mutualTls(), peers.source().pod()));
  }

  public void inboundConnection(Map<String, String> headers, long received, long sent, String downstream, long t0) {
    SidecarMetrics.Peers peers = inboundPeers(headers);
    metrics.record(new SidecarMetrics.Connection(peers, "-", received, sent));
    String from = meshAddress(peers.source(), downstream);
    log(AccessLogSender.Entry.tcp(false, runtime.startedAt(t0), (System.nanoTime() - t0) / 1e6, "inbound|tcp||", from,
        from, received, sent, "-", peers.mutualTls(), peers.source().pod()));
  }

  /**
   * A caller's address as Envoy sees it: its pod IP with the connection's port. Only a caller
   * outside the mesh (no identity travels with it) keeps the socket's own address.
   */
  private static String meshAddress(MeshIdentity peer, String socketAddress) {
    int colon = socketAddress == null ? -1 : socketAddress.lastIndexOf(':');
    return colon < 0 || peer.ip().isEmpty() ? socketAddress : peer.ip() + socketAddress.substring(colon);
  }

  // --- outbound ----------------------------------------------------------------------------------

  public void outbound(Call call, Map<String, String> appHeaders) {
    long t0 = System.nanoTime();
    MeshResources.Snapshot mesh = runtime.mesh();
    Destination destination = runtime.registry().resolve(mesh, caller, call.host());
    Map<String, String> headers = new HashMap<>(appHeaders);
    headers.putIfAbsent("x-request-id", UUID.randomUUID().toString());
    headers.putIfAbsent("user-agent", "smm-demo");
    TraceContext span = tracer == null || call.protocol().equals("tcp") ? null : tracer.outbound(headers);
    Attempt result = switch (destination.kind()) {
      case BLACKHOLE -> Attempt.local(call, 502, "-", null);
      case SERVICE_ENTRY -> external(call);
      case PASSTHROUGH -> destination.serviceName() == null ? external(call) : passthrough(call, destination, headers);
      case SERVICE -> routed(mesh, call, destination, headers);
    };
    Destination reported = result.destination() != null ? result.destination() : destination;
    double ms = (System.nanoTime() - t0) / 1e6;
    MeshIdentity peer = result.target() != null ? result.target().identity() : MeshIdentity.UNKNOWN;
    SidecarMetrics.Peers peers = new SidecarMetrics.Peers("source", identity, peer, reported.host(), reported.metricName(),
        reported.metricNamespace(), result.mtls());
    String cluster = cluster(call, reported);
    String upstream = result.target() == null ? null : runtime.meshAddressOf(result.target(), reported, call.port()).orElse(null);
    if (call.protocol().equals("tcp")) {
      metrics.record(new SidecarMetrics.Connection(peers, result.flags(), result.requestBytes(), result.responseBytes()));
      log(AccessLogSender.Entry.tcp(true, runtime.startedAt(t0), ms, cluster, upstream, null, result.requestBytes(),
          result.responseBytes(), result.flags(), result.mtls(), peer.pod()));
    } else {
      metrics.record(new SidecarMetrics.Request(peers, call.protocol(), result.httpStatus(), result.grpcStatus(), result.flags(), ms,
          result.requestBytes(), result.responseBytes()));
      log(new AccessLogSender.Entry(true, call.protocol(), runtime.startedAt(t0), ms, method(call, headers),
          call.protocol().equals("grpc") ? "/" + Wire.GRPC_CALL.getFullMethodName() : call.path(), reported.host() + ":" + call.port(),
          cluster, upstream, null, result.httpStatus(), result.grpcStatus(), result.requestBytes(), result.responseBytes(),
          result.flags(), headers.get("user-agent"), headers.get("x-request-id"), result.mtls(), peer.pod()));
      if (span != null && span.sampled()) {
        String host = reported.host() + ":" + call.port();
        tracer.client(span, new Tracer.Hop(host + "/*", runtime.startedAt(t0), ms, method(call, headers), "http://" + host + call.path(),
            call.protocol().equals("grpc") ? "HTTP/2" : "HTTP/1.1", result.httpStatus(), result.flags(),
            failed(result.httpStatus(), result.grpcStatus()), cluster, upstream, headers.get("x-request-id"), headers.get("user-agent"),
            result.requestBytes(), result.responseBytes()));
      }
    }
  }

  /** Envoy tags a span error=true for a 5xx, no response at all, or a gRPC status other than OK. */
  private static boolean failed(int httpStatus, Integer grpcStatus) {
    return httpStatus == 0 || httpStatus >= 500 || grpcStatus != null && grpcStatus != 0;
  }

  /** gRPC is always POST; HTTP as the application asked (GET unless it said otherwise). */
  private static String method(Call call, Map<String, String> headers) {
    return call.protocol().equals("grpc") ? "POST" : headers.getOrDefault(Wire.METHOD, "GET");
  }

  /** Envoy's cluster names: outbound|port|subset|host, PassthroughCluster, BlackHoleCluster. */
  private static String cluster(Call call, Destination d) {
    return switch (d.kind()) {
      case PASSTHROUGH -> "PassthroughCluster";
      case BLACKHOLE -> "BlackHoleCluster";
      default -> "outbound|" + call.port() + "||" + d.host();
    };
  }

  /** One request's result; target is the pod that answered, destination the service it was routed to. */
  private record Attempt(int httpStatus, Integer grpcStatus, String flags, Endpoint target, Destination destination, boolean mtls,
      long requestBytes, long responseBytes) {

    /** A reply the sidecar gives itself, no upstream involved: TCP has no status, gRPC gets the one Envoy maps the HTTP status to. */
    static Attempt local(Call call, int httpStatus, String flags, Destination destination) {
      return new Attempt(call.protocol().equals("tcp") ? 0 : httpStatus, grpcOf(call, httpStatus, null), flags, null, destination,
          false, 0, 0);
    }

    Attempt withFlags(String newFlags) {
      return new Attempt(httpStatus, grpcStatus, newFlags, target, destination, mtls, requestBytes, responseBytes);
    }
  }

  private static Integer grpcOf(Call call, int httpStatus, Integer grpcStatus) {
    if (!call.protocol().equals("grpc")) {
      return null;
    }
    return grpcStatus != null ? grpcStatus : GrpcStatuses.fromHttp(httpStatus);
  }

  /** Hosts outside the cluster are answered on this machine: the sandbox never sends traffic off it. */
  private Attempt external(Call call) {
    Pause.sleep(1);
    boolean tcp = call.protocol().equals("tcp");
    return new Attempt(tcp ? 0 : 200, grpcOf(call, 200, 0), "-", null, null, false, 64, 128);
  }

  private Attempt passthrough(Call call, Destination d, Map<String, String> headers) {
    List<? extends Endpoint> endpoints = runtime.endpoints(caller.network(), d.namespace(), d.serviceName(), Map.of());
    if (endpoints.isEmpty()) {
      return Attempt.local(call, 503, "UF", null);
    }
    Endpoint target = endpoints.get(ThreadLocalRandom.current().nextInt(endpoints.size()));
    return send(call, d, target, headers, call.path(), 0, false);
  }

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private Attempt routed(MeshResources.Snapshot mesh, Call call, Destination destination, Map<String, String> headers) {
    RoutingTable.RequestView view = new RoutingTable.RequestView(caller.namespace(), caller.labels(), call.protocol(),
        call.authority(), call.port(), call.path(), method(call, headers), headers);
    RoutingTable.Route route = null;
    boolean matchedHost = false;
    for (MeshResources.Rule vs : RoutingTable.forHost(mesh.virtualServices(), destination::isNamedBy)) {
      if (call.protocol().equals("tcp") && !vs.spec().has("tcp")) {
        continue; // HTTP routes do not apply to TCP traffic
      }
      try {
        matchedHost = true;
        route = RoutingTable.route(vs, view).orElse(null);
        break;
      } catch (RuntimeException e) {
        matchedHost = false;
        if (warned.add(vs.key())) {
          LOG.warn("VirtualService {}/{} cannot be applied by the sandbox sidecars ({}); ignoring it", vs.namespace(), vs.name(),
              e.getMessage());
        }
      }
    }
    if (matchedHost && route == null) {
      return Attempt.local(call, 404, "NR", destination);
    }
    if (route == null) {
      return balanced(mesh, call, destination, null, headers, call.path(), 0,
          call.protocol().equals("tcp") ? null : RoutingTable.DEFAULT_RETRY);
    }
    if (route.redirect() != null) {
      return Attempt.local(call, route.redirect().code(), "-", destination);
    }
    String flags = "-";
    if (route.delayMs() > 0) {
      Pause.sleep(route.delayMs());
      flags = "DI";
    }
    if (route.abortHttpStatus() > 0) {
      boolean grpcAbort = route.abortGrpcStatus() > 0;
      return new Attempt(route.abortHttpStatus(), grpcAbort ? Integer.valueOf(route.abortGrpcStatus())
          : grpcOf(call, route.abortHttpStatus(), null), flags.equals("-") ? "FI" : "DI,FI", null, destination, false, 0, 0);
    }
    Destination target = route.host().equals(call.host()) ? destination : resolveRouteHost(mesh, route.host(), route.namespace());
    if (target.kind() != Destination.Kind.SERVICE) {
      return target.kind() == Destination.Kind.BLACKHOLE ? Attempt.local(call, 502, "-", target) : external(call);
    }
    route.setHeaders().forEach(headers::put);
    route.removeHeaders().forEach(headers::remove);
    String path = route.rewriteUri() != null ? route.rewriteUri() : call.path();
    if (route.mirror() != null && ThreadLocalRandom.current().nextDouble() * 100 < route.mirror().percent()) {
      mirror(mesh, call, route, headers, path);
    }
    Attempt a = balanced(mesh, call, target, route.subset(), headers, path, route.timeoutMs(), route.retry());
    return flags.equals("-") || !a.flags().equals("-") ? a : a.withFlags(flags);
  }

  /** A host as a VirtualService of {@code namespace} writes it: a short one means a Service in that namespace. */
  private Destination resolveRouteHost(MeshResources.Snapshot mesh, String host, String namespace) {
    String qualified = host.contains(".") ? host : host + "." + namespace;
    return runtime.registry().resolve(mesh, caller, qualified);
  }

  /** Envoy shadows the request to the mirror cluster and ignores the answer; only the mirror's sidecar reports it. */
  private void mirror(MeshResources.Snapshot mesh, Call call, RoutingTable.Route route, Map<String, String> headers, String path) {
    Destination d = resolveRouteHost(mesh, route.mirror().host(), route.namespace());
    if (d.kind() != Destination.Kind.SERVICE) {
      return;
    }
    Map<String, String> shadow = new HashMap<>(headers);
    shadow.put("x-smm-shadow", "true");
    runtime.submit(() -> balanced(mesh, call, d, route.mirror().subset(), shadow, path, 0, null));
  }

  /** Load balancing, circuit breaking, outlier ejection, timeouts and retries for one upstream cluster. */
  private Attempt balanced(MeshResources.Snapshot mesh, Call call, Destination d, String subset, Map<String, String> headers,
      String path, long timeoutMs, RoutingTable.Retry retry) {
    TrafficPolicy policy = TrafficPolicy.of(mesh, d, caller.namespace(), subset, caller.revision());
    if (policy.subsetMissing()) {
      return Attempt.local(call, 503, "NC", d);
    }
    String clusterKey = "outbound|" + call.port() + "|" + (subset == null ? "" : subset) + "|" + d.host();
    long deadline = timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000 : Long.MAX_VALUE;
    int attempts = retry == null ? 1 : 1 + Math.max(0, retry.attempts());
    Attempt last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      List<? extends Endpoint> endpoints = runtime.endpoints(caller.network(), d.namespace(), d.serviceName(), policy.subsetLabels());
      long now = System.currentTimeMillis();
      List<? extends Endpoint> healthy = endpoints.stream().filter(p -> !outliers.ejected(clusterKey, p.pod().getMetadata().getName(), now)).toList();
      if (healthy.isEmpty()) {
        return Attempt.local(call, 503, "UH", d);
      }
      AtomicInteger active = inFlight.computeIfAbsent(clusterKey, k -> new AtomicInteger());
      if (active.incrementAndGet() > policy.connectionPool().maxInFlight(call.protocol())) {
        active.decrementAndGet();
        return Attempt.local(call, 503, "UO", d);
      }
      long remainingMs = deadline == Long.MAX_VALUE ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      long tryTimeout = retry != null && retry.perTryTimeoutMs() > 0
          ? (remainingMs > 0 ? Math.min(remainingMs, retry.perTryTimeoutMs()) : retry.perTryTimeoutMs()) : remainingMs;
      Endpoint target = healthy.get(Math.floorMod(runtime.nextIndex(clusterKey), healthy.size()));
      boolean mtls = clientTls(mesh, policy, target);
      try {
        last = send(call, d, target, headers, path, tryTimeout, mtls);
      } finally {
        active.decrementAndGet();
      }
      outliers.report(clusterKey, target.pod().getMetadata().getName(), endpoints.size(), last.httpStatus(), last.flags().equals("UF"),
          policy.outlier(), System.currentTimeMillis());
      boolean overallTimeout = deadline != Long.MAX_VALUE && System.nanoTime() >= deadline;
      if (overallTimeout && last.flags().equals("UT")) {
        return last;
      }
      if (attempt < attempts && !overallTimeout && retriable(last, retry)) {
        Pause.sleep(Math.min(250, 25L << (attempt - 1)) * ThreadLocalRandom.current().nextLong(1, 3) / 2);
        continue;
      }
      if (attempt > 1 && retriable(last, retry)) {
        return last.withFlags(last.flags().equals("-") ? "URX" : last.flags() + ",URX");
      }
      return last;
    }
    return last;
  }

  /** Auto mTLS: mutual TLS to endpoints with a sidecar whose PeerAuthentication is not DISABLE, unless the DestinationRule says. */
  private boolean clientTls(MeshResources.Snapshot mesh, TrafficPolicy policy, Endpoint target) {
    if ("DISABLE".equals(policy.tlsMode())) {
      return false;
    }
    if ("ISTIO_MUTUAL".equals(policy.tlsMode())) {
      return true;
    }
    if (target instanceof RemoteEndpoint remote) {
      return remote.mutualTlsCapable();
    }
    if (target.sidecar() == null) {
      return false;
    }
    return PeerAuthentications.mode(mesh, target.pod().getMetadata().getNamespace(), target.sidecar().caller.labels(),
        target.sidecar().caller.revision()) != PeerAuthentications.Mode.DISABLE;
  }

  private static boolean retriable(Attempt a, RoutingTable.Retry retry) {
    if (retry == null || retry.retryOn().isEmpty()) {
      return false;
    }
    Set<String> on = retry.retryOn();
    String f = a.flags();
    if (f.equals("UF") && (on.contains("connect-failure") || on.contains("5xx") || on.contains("gateway-error"))) {
      return true;
    }
    if (f.equals("UC") && (on.contains("reset") || on.contains("5xx"))) {
      return true;
    }
    if (f.equals("UT")) {
      return on.contains("5xx") || on.contains("gateway-error") || on.contains("reset");
    }
    int code = a.httpStatus();
    if (on.contains("5xx") && code >= 500 || on.contains("gateway-error") && (code == 502 || code == 503 || code == 504)
        || on.contains("retriable-4xx") && code == 409 || on.contains(Integer.toString(code)) && code != 200) {
      return true;
    }
    Integer g = a.grpcStatus();
    return g != null && (on.contains("unavailable") && g == 14 || on.contains("cancelled") && g == 1
        || on.contains("deadline-exceeded") && g == 4 || on.contains("internal") && g == 13 || on.contains("resource-exhausted") && g == 8);
  }

  /** One attempt on one endpoint. */
  private Attempt send(Call call, Destination d, Endpoint target, Map<String, String> headers, String path, long timeoutMs,
      boolean mtls) {
    String address = runtime.addressOf(target, d, call.port()).orElse(null);
    if (address == null) {
      return new Attempt(call.protocol().equals("tcp") ? 0 : 503, grpcOf(call, 503, null), "UF", target, d, mtls, 0, 0);
    }
    Map<String, String> wire = new HashMap<>(headers);
    wire.put(Wire.PEER, Wire.encode(identity));
    wire.put(Wire.SERVICE, d.host());
    if (mtls) {
      wire.put(Wire.TLS, "mutual");
    }
    byte[] preamble = mtls ? (Wire.TCP_PREAMBLE + Wire.encode(identity) + "\n").getBytes(StandardCharsets.UTF_8) : null;
    Upstreams.Response r = runtime.upstreams().call(call.protocol(), address, path, wire, timeoutMs, preamble);
    String flags = switch (r.failure()) {
      case CONNECT -> "UF";
      case RESET -> "UC";
      case TIMEOUT -> "UT";
      case NONE -> "-";
    };
    int http = r.failure() == Upstreams.Failure.NONE ? r.httpStatus() : r.failure() == Upstreams.Failure.TIMEOUT ? 504 : 503;
    if (call.protocol().equals("tcp")) {
      http = 0;
    }
    return new Attempt(http, grpcOf(call, http, r.failure() == Upstreams.Failure.NONE ? r.grpcStatus() : null), flags, target, d, mtls,
        r.requestBytes(), r.responseBytes());
  }

  private void log(AccessLogSender.Entry e) {
    if (accessLog != null) {
      accessLog.log(e);
    }
    boolean tcp = e.protocol().equals("tcp");
    // Concatenated, not String.format: one line per request of every sidecar (format was 4% of the demo mesh's CPU).
    accessLogText.add("[" + e.start() + "] \""
        + (tcp ? "- - -" : e.method() + " " + e.path() + (e.protocol().equals("grpc") ? " HTTP/2" : " HTTP/1.1")) + "\" "
        + e.responseCode() + " " + e.responseFlags() + " " + e.requestBytes() + " " + e.responseBytes() + " "
        + Math.round(e.durationMs()) + " \"" + (tcp ? "-" : e.userAgent()) + "\" \"" + (tcp ? "-" : e.requestId()) + "\" \""
        + (tcp ? "-" : e.authority()) + "\" \"" + (e.upstreamAddress() == null ? "-" : e.upstreamAddress()) + "\" "
        + e.upstreamCluster());
  }

  @Override
  public void close() {
    if (accessLog != null) {
      accessLog.close();
    }
  }
}
