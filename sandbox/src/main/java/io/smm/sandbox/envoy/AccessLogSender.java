package io.smm.sandbox.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.smm.sandbox.DaemonThreads;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * One sidecar's access log stream, as Envoy's gRPC access logger sends it:
 * envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs, the first message naming the
 * proxy (node id and Istio's node metadata), then batches of HTTPAccessLogEntry. Entries wait in a
 * bounded queue and are dropped (counted) when the receiver is slow, down or not there yet (the
 * receiver's address is looked up until it is known, as Envoy keeps resolving its ALS cluster);
 * requests never wait.
 */
public final class AccessLogSender implements AutoCloseable {

  static final int QUEUE = 10_000;

  /** One logged request or TCP connection (protocol "tcp"), from the sidecar's point of view. */
  public record Entry(boolean outbound, String protocol, Instant start, double durationMs, String method, String path, String authority,
      String upstreamCluster, String upstreamAddress, String downstreamAddress, int responseCode, Integer grpcStatus, long requestBytes,
      long responseBytes, String responseFlags, String userAgent, String requestId, boolean mutualTls, String peerPod) {

    static Entry tcp(boolean outbound, Instant start, double durationMs, String upstreamCluster, String upstreamAddress,
        String downstreamAddress, long receivedBytes, long sentBytes, String flags, boolean mutualTls, String peerPod) {
      return new Entry(outbound, "tcp", start, durationMs, null, null, null, upstreamCluster, upstreamAddress, downstreamAddress, 0,
          null, receivedBytes, sentBytes, flags, null, null, mutualTls, peerPod);
    }
  }

  /** What the sidecar presents and checks on its ALS connection (ISTIO_MUTUAL): its workload certificate, the mesh's roots, the receiver's host. */
  public record Tls(PrivateKey key, X509Certificate certificate, MeshTrust trust, String receiverHost) {}

  private final Supplier<String> target;
  private final Tls tls;
  private ManagedChannel channel;
  private final Node node;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("als-sender"));
  private StreamObserver<StreamAccessLogsMessage> stream;

  /** @param target host:port of the receiver, null while it is not known */
  public AccessLogSender(Supplier<String> target, MeshIdentity identity, String podIp, String revision, Tls tls) {
    this.target = target;
    this.tls = tls;
    this.node = Node.newBuilder()
        .setId("sidecar~" + podIp + "~" + identity.pod() + "." + identity.namespace() + "~" + identity.namespace() + ".svc.cluster.local")
        .setCluster(identity.app() + "." + identity.namespace())
        .setMetadata(Struct.newBuilder()
            .putFields("NAME", text(identity.pod()))
            .putFields("NAMESPACE", text(identity.namespace()))
            .putFields("WORKLOAD_NAME", text(identity.workload()))
            .putFields("CLUSTER_ID", text(identity.cluster()))
            .putFields("SERVICE_ACCOUNT", text(identity.serviceAccount()))
            .putFields("ISTIO_REVISION", text(revision))
            .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("app", text(identity.app())).putFields("version", text(identity.version()))).build()))
        .build();
    sender.scheduleWithFixedDelay(this::flush, 100, 100, TimeUnit.MILLISECONDS);
  }

  void log(Entry e) {
    if (!queue.offer(e)) {
      dropped.incrementAndGet();
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void flush() {
    List<Entry> batch = new ArrayList<>();
    queue.drainTo(batch, 500);
    if (batch.isEmpty()) {
      return;
    }
    if (channel == null) {
      String address = target.get();
      if (address == null) {
        dropped.addAndGet(batch.size());
        return;
      }
      channel = channel(address);
    }
    try {
      if (stream == null) {
        stream = AccessLogServiceGrpc.newStub(channel).streamAccessLogs(new StreamObserver<>() {
          @Override
          public void onNext(StreamAccessLogsResponse value) {}

          @Override
          public void onError(Throwable t) {
            reset();
          }

          @Override
          public void onCompleted() {
            reset();
          }
        });
        stream.onNext(StreamAccessLogsMessage.newBuilder().setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(node).setLogName("envoy.access_loggers.http_grpc")).build());
      }
      // Envoy's HTTP and TCP loggers send separate messages; one stream carries both here.
      StreamAccessLogsMessage.HTTPAccessLogEntries.Builder http = StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder();
      StreamAccessLogsMessage.TCPAccessLogEntries.Builder tcp = StreamAccessLogsMessage.TCPAccessLogEntries.newBuilder();
      for (Entry e : batch) {
        if (e.protocol().equals("tcp")) {
          tcp.addLogEntry(tcpEntry(e));
        } else {
          http.addLogEntry(entry(e));
        }
      }
      if (http.getLogEntryCount() > 0) {
        stream.onNext(StreamAccessLogsMessage.newBuilder().setHttpLogs(http).build());
      }
      if (tcp.getLogEntryCount() > 0) {
        stream.onNext(StreamAccessLogsMessage.newBuilder().setTcpLogs(tcp).build());
      }
    } catch (RuntimeException e) {
      dropped.addAndGet(batch.size());
      reset();
    }
  }

  private ManagedChannel channel(String address) {
    try {
      return NettyChannelBuilder.forTarget(address).overrideAuthority(tls.receiverHost())
          .sslContext(GrpcSslContexts.forClient().keyManager(tls.key(), tls.certificate())
              .trustManager(tls.trust()).build())
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up the sidecar's mTLS: " + e.getMessage(), e);
    }
  }

  private synchronized void reset() {
    stream = null;
  }

  static HTTPAccessLogEntry entry(Entry e) {
    HTTPRequestProperties.Builder request = HTTPRequestProperties.newBuilder()
        .setRequestMethod(RequestMethod.valueOf(e.method()))
        .setScheme("http").setAuthority(e.authority()).setPath(e.path()).setUserAgent(e.userAgent() == null ? "" : e.userAgent())
        .setRequestId(e.requestId() == null ? UUID.randomUUID().toString() : e.requestId())
        .setRequestBodyBytes(e.requestBytes());
    HTTPResponseProperties.Builder response = HTTPResponseProperties.newBuilder().setResponseBodyBytes(e.responseBytes());
    if (e.responseCode() > 0) {
      response.setResponseCode(UInt32Value.of(e.responseCode()));
    }
    if (e.grpcStatus() != null) {
      response.putResponseTrailers("grpc-status", e.grpcStatus().toString());
    }
    return HTTPAccessLogEntry.newBuilder()
        .setCommonProperties(common(e))
        .setProtocolVersion(e.protocol().equals("grpc") ? HTTPAccessLogEntry.HTTPVersion.HTTP2 : HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setRequest(request)
        .setResponse(response)
        .build();
  }

  static TCPAccessLogEntry tcpEntry(Entry e) {
    return TCPAccessLogEntry.newBuilder().setCommonProperties(common(e))
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(e.requestBytes()).setSentBytes(e.responseBytes()))
        .build();
  }

  private static AccessLogCommon common(Entry e) {
    long nanos = (long) (e.durationMs() * 1_000_000);
    AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(e.start().getEpochSecond()).setNanos(e.start().getNano()))
        .setTimeToLastDownstreamTxByte(Duration.newBuilder().setSeconds(nanos / 1_000_000_000).setNanos((int) (nanos % 1_000_000_000)))
        .setUpstreamCluster(e.upstreamCluster())
        .setResponseFlags(flags(e.responseFlags()));
    if (e.upstreamAddress() != null) {
      common.setUpstreamRemoteAddress(address(e.upstreamAddress()));
    }
    if (e.downstreamAddress() != null && e.downstreamAddress().contains(":")) {
      common.setDownstreamRemoteAddress(address(e.downstreamAddress()));
    }
    if (e.mutualTls()) {
      common.setTlsProperties(TLSProperties.newBuilder().setTlsVersion(TLSProperties.TLSVersion.TLSv1_3));
    }
    if (e.peerPod() != null && !e.peerPod().equals("unknown")) {
      // Istio's metadata exchange leaves the peer's pod name in the filter state (the upstream's for
      // outbound, the downstream's for inbound); receivers use it to name the other side.
      common.putFilterStateObjects(e.outbound() ? "wasm.upstream_peer_id" : "wasm.downstream_peer_id",
          Any.pack(text(e.peerPod())));
    }
    return common.build();
  }

  /** Envoy's short response flags (comma-separated) as the ALS message's fields. */
  static ResponseFlags flags(String shortFlags) {
    ResponseFlags.Builder flags = ResponseFlags.newBuilder();
    for (String f : shortFlags.split(",")) {
      switch (f) {
        case "FI" -> flags.setFaultInjected(true);
        case "DI" -> flags.setDelayInjected(true);
        case "UH" -> flags.setNoHealthyUpstream(true);
        case "UF" -> flags.setUpstreamConnectionFailure(true);
        case "UC" -> flags.setUpstreamConnectionTermination(true);
        case "UO" -> flags.setUpstreamOverflow(true);
        case "UT" -> flags.setUpstreamRequestTimeout(true);
        case "URX" -> flags.setUpstreamRetryLimitExceeded(true);
        case "NR" -> flags.setNoRouteFound(true);
        case "NC" -> flags.setNoClusterFound(true);
        default -> { }
      }
    }
    return flags.build();
  }

  private static Address address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(hostPort.substring(0, colon))
        .setPortValue(Integer.parseInt(hostPort.substring(colon + 1)))).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s == null ? "" : s).build();
  }

  @Override
  public void close() {
    sender.shutdownNow();
    StreamObserver<StreamAccessLogsMessage> s = stream;
    if (s != null) {
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        // the receiver is gone already
      }
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
