package io.smm.backend.tap;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Envoy's gRPC access log service (envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs),
 * the receiver the mesh config points every sidecar to. A stream starts with an identifier naming
 * the proxy (Istio's node metadata: NAME, NAMESPACE, WORKLOAD_NAME, CLUSTER_ID); its HTTP and TCP
 * entries become {@link TapEntry}s for the {@link TapHub}, and only while someone taps. A stream
 * whose first message has no identifier is refused (INVALID_ARGUMENT), counted, and the others go
 * on. So is one that does not come from a mesh proxy ({@link PeerIdentity}: no verified identity is
 * UNAUTHENTICATED) or whose node metadata claims another namespace or service account than its
 * certificate names (PERMISSION_DENIED): otherwise anyone who reaches the port could put forged
 * requests into every user's tap.
 */
public final class AccessLogReceiver extends AccessLogServiceGrpc.AccessLogServiceImplBase {

  private final TapHub hub;
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong openStreams = new AtomicLong();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong rejectedStreams = new AtomicLong();
  private final AtomicLong failedStreams = new AtomicLong();
  private final AtomicLong unauthenticatedStreams = new AtomicLong();

  /** What the receiver has seen, for operators (GraphQL tapReceiver, /metrics). */
  public record Stats(long streams, long openStreams, long entries, long rejectedStreams, long failedStreams,
      long unauthenticatedStreams) {}

  public AccessLogReceiver(TapHub hub) {
    this.hub = hub;
  }

  public Stats stats() {
    return new Stats(streams.get(), openStreams.get(), entries.get(), rejectedStreams.get(), failedStreams.get(),
        unauthenticatedStreams.get());
  }

  @Override
  public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(StreamObserver<StreamAccessLogsResponse> responses) {
    streams.incrementAndGet();
    openStreams.incrementAndGet();
    PeerIdentity peer = PeerIdentity.CURRENT.get();
    return new StreamObserver<>() {
      TapEntry.Peer reporter;
      boolean done;

      @Override
      public void onNext(StreamAccessLogsMessage m) {
        if (done) {
          return;
        }
        if (reporter == null) {
          if (peer == null) {
            refuse(unauthenticatedStreams, Status.UNAUTHENTICATED.withDescription("access log streams are accepted from mesh"
                + " proxies only: no verified peer identity (x-forwarded-client-cert from the receiver's sidecar)"));
            return;
          }
          if (m.hasIdentifier()) {
            String mismatch = mismatch(peer, m.getIdentifier().getNode());
            if (mismatch != null) {
              refuse(unauthenticatedStreams, Status.PERMISSION_DENIED.withDescription(mismatch));
              return;
            }
            reporter = reporter(m.getIdentifier().getNode());
          }
          if (reporter == null) {
            refuse(rejectedStreams, Status.INVALID_ARGUMENT.withDescription("the first message of a stream must identify the proxy"));
            return;
          }
        }
        int n = m.getHttpLogs().getLogEntryCount() + m.getTcpLogs().getLogEntryCount();
        entries.addAndGet(n);
        if (n == 0 || !hub.listening()) {
          return;
        }
        long now = System.nanoTime();
        for (HTTPAccessLogEntry e : m.getHttpLogs().getLogEntryList()) {
          hub.publish(http(reporter, e, now));
        }
        for (TCPAccessLogEntry e : m.getTcpLogs().getLogEntryList()) {
          hub.publish(tcp(reporter, e, now));
        }
      }

      private void refuse(AtomicLong counter, Status status) {
        done = true;
        counter.incrementAndGet();
        openStreams.decrementAndGet();
        responses.onError(status.asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {
        // A client that went away, or a message over the size limit: only this stream ends.
        if (!done) {
          done = true;
          failedStreams.incrementAndGet();
          openStreams.decrementAndGet();
        }
      }

      @Override
      public void onCompleted() {
        if (!done) {
          done = true;
          openStreams.decrementAndGet();
          // A client-streaming call ends with exactly one response (Envoy ignores its content).
          responses.onNext(StreamAccessLogsResponse.getDefaultInstance());
          responses.onCompleted();
        }
      }
    };
  }

  /**
   * Why a proxy claiming to be {@code node} is not {@code peer}, or null when the claim matches its
   * certificate: the namespace (metadata NAMESPACE, or the node id's pod.namespace) and, when the
   * proxy states it, its service account (SERVICE_ACCOUNT), as Istio's node metadata has them.
   */
  static String mismatch(PeerIdentity peer, Node node) {
    TapEntry.Peer claimed = reporter(node);
    if (claimed == null) {
      return null; // refused for not identifying itself at all
    }
    String serviceAccount = text(node.getMetadata(), "SERVICE_ACCOUNT");
    if (!claimed.namespace().equals(peer.namespace()) || (!serviceAccount.isEmpty() && !serviceAccount.equals(peer.serviceAccount()))) {
      return "the proxy claims to be " + claimed.name() + " in namespace " + claimed.namespace()
          + (serviceAccount.isEmpty() ? "" : " with service account " + serviceAccount) + ", but its certificate is " + peer.spiffeId();
    }
    return null;
  }

  /** The proxy a stream belongs to, from Istio's node metadata, or its node id (sidecar~ip~pod.ns~...) when that is missing. */
  static TapEntry.Peer reporter(Node node) {
    Struct meta = node.getMetadata();
    String pod = text(meta, "NAME");
    String namespace = text(meta, "NAMESPACE");
    String[] id = node.getId().split("~");
    String ip = id.length >= 2 ? id[1] : "";
    if ((pod.isEmpty() || namespace.isEmpty()) && id.length >= 3 && id[2].contains(".")) {
      pod = id[2].substring(0, id[2].lastIndexOf('.'));
      namespace = id[2].substring(id[2].lastIndexOf('.') + 1);
    }
    if (pod.isEmpty() || namespace.isEmpty()) {
      return null;
    }
    String workload = text(meta, "WORKLOAD_NAME");
    return new TapEntry.Peer(text(meta, "CLUSTER_ID"), namespace, workload.isEmpty() ? pod : workload, pod, ip);
  }

  static TapEntry http(TapEntry.Peer reporter, HTTPAccessLogEntry e, long receivedNanos) {
    AccessLogCommon c = e.getCommonProperties();
    var req = e.getRequest();
    var resp = e.getResponse();
    String grpcStatus = resp.getResponseTrailersMap().get("grpc-status");
    String protocol = grpcStatus != null || req.getRequestHeadersMap().getOrDefault("content-type", "").startsWith("application/grpc")
        ? "grpc" : "http";
    TapEntry.Request request = new TapEntry.Request(req.getRequestMethod() == RequestMethod.METHOD_UNSPECIFIED
        ? "" : req.getRequestMethod().name(), req.getPath(), req.getAuthority(), e.getProtocolVersion().name(), req.getUserAgent(),
        req.getRequestId(), Map.copyOf(req.getRequestHeadersMap()), req.getRequestBodyBytes());
    TapEntry.Response response = new TapEntry.Response(resp.hasResponseCode() ? resp.getResponseCode().getValue() : 0, grpcStatus,
        flags(c.getResponseFlags()), resp.getResponseBodyBytes(), nanos(c.getTimeToLastDownstreamTxByte()));
    return entry(reporter, c, protocol, request, response, req.getAuthority(), receivedNanos);
  }

  static TapEntry tcp(TapEntry.Peer reporter, TCPAccessLogEntry e, long receivedNanos) {
    AccessLogCommon c = e.getCommonProperties();
    TapEntry.Request request = new TapEntry.Request("", "", "", "", "", "", Map.of(), e.getConnectionProperties().getReceivedBytes());
    TapEntry.Response response = new TapEntry.Response(0, null, flags(c.getResponseFlags()), e.getConnectionProperties().getSentBytes(),
        nanos(c.getTimeToLastDownstreamTxByte()));
    return entry(reporter, c, "tcp", request, response, "", receivedNanos);
  }

  private static TapEntry entry(TapEntry.Peer reporter, AccessLogCommon c, String protocol, TapEntry.Request request,
      TapEntry.Response response, String authority, long receivedNanos) {
    boolean inbound = c.getUpstreamCluster().startsWith("inbound|");
    String upstream = address(c.getUpstreamRemoteAddress());
    TapEntry.Peer self = new TapEntry.Peer(reporter.cluster(), reporter.namespace(), reporter.workload(), reporter.name(),
        inbound ? upstream : address(c.getDownstreamRemoteAddress()));
    TapEntry.Peer source;
    TapEntry.Peer destination;
    if (inbound) {
      String downstream = address(c.getDownstreamRemoteAddress());
      String peer = peer(c, "wasm.downstream_peer_id");
      source = new TapEntry.Peer("", "", "", peer != null ? peer : hostOf(downstream), downstream);
      destination = self;
    } else {
      String peer = peer(c, "wasm.upstream_peer_id");
      source = self;
      destination = new TapEntry.Peer("", "", "", peer != null ? peer : !authority.isEmpty() ? authority : hostOf(upstream), upstream);
    }
    var start = c.getStartTime();
    return new TapEntry(Instant.ofEpochSecond(start.getSeconds(), start.getNanos()).toString(), inbound ? "inbound" : "outbound",
        reporter, source, destination, protocol, request, response, new TapEntry.Upstream(c.getUpstreamCluster(), upstream),
        c.hasTlsProperties(), receivedNanos);
  }

  /** The pod name Istio's metadata exchange left in the filter state, if any. */
  private static String peer(AccessLogCommon c, String key) {
    Any any = c.getFilterStateObjectsMap().get(key);
    if (any == null) {
      return null;
    }
    try {
      String name = any.is(Value.class) ? any.unpack(Value.class).getStringValue()
          : any.is(StringValue.class) ? any.unpack(StringValue.class).getValue() : "";
      return name.isEmpty() ? null : name;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static String address(Address a) {
    if (!a.hasSocketAddress()) {
      return "";
    }
    return "tcp://" + a.getSocketAddress().getAddress() + ":" + a.getSocketAddress().getPortValue();
  }

  private static String hostOf(String address) {
    return address.startsWith("tcp://") ? address.substring(6) : address;
  }

  private static long nanos(Duration d) {
    return d.getSeconds() * 1_000_000_000L + d.getNanos();
  }

  /** Envoy's short response flags, comma-separated; "-" when none (as Envoy's access log prints). */
  static String flags(ResponseFlags f) {
    List<String> out = new ArrayList<>(2);
    if (f.getFaultInjected()) out.add("FI");
    if (f.getDelayInjected()) out.add("DI");
    if (f.getNoHealthyUpstream()) out.add("UH");
    if (f.getUpstreamConnectionFailure()) out.add("UF");
    if (f.getUpstreamConnectionTermination()) out.add("UC");
    if (f.getUpstreamOverflow()) out.add("UO");
    if (f.getUpstreamRequestTimeout()) out.add("UT");
    if (f.getUpstreamRetryLimitExceeded()) out.add("URX");
    if (f.getNoRouteFound()) out.add("NR");
    if (f.getNoClusterFound()) out.add("NC");
    if (f.getLocalReset()) out.add("LR");
    if (f.getUpstreamRemoteReset()) out.add("UR");
    if (f.getRateLimited()) out.add("RL");
    return out.isEmpty() ? "-" : String.join(",", out);
  }

  private static String text(Struct s, String key) {
    Value v = s.getFieldsMap().get(key);
    return v == null ? "" : v.getStringValue();
  }
}
