package io.smm.backend.tap;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A sidecar's side of the ALS protocol for tests and the benchmark: a real gRPC stream of real Envoy messages. */
public final class AlsClient implements AutoCloseable {

  final ManagedChannel channel;

  public AlsClient(int port) {
    this(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
  }

  public AlsClient(ManagedChannel channel) {
    this.channel = channel;
  }

  /** An open stream; {@link Stream#closed} completes with the server's verdict. */
  public static final class Stream {
    public final StreamObserver<StreamAccessLogsMessage> out;
    public final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    Stream(AccessLogServiceGrpc.AccessLogServiceStub stub) {
      out = stub.streamAccessLogs(new StreamObserver<>() {
        @Override
        public void onNext(StreamAccessLogsResponse value) {}

        @Override
        public void onError(Throwable t) {
          closed.complete(t);
        }

        @Override
        public void onCompleted() {
          closed.complete(null);
        }
      });
    }

    public Stream send(List<HTTPAccessLogEntry> entries) {
      out.onNext(StreamAccessLogsMessage.newBuilder().setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder()
          .addAllLogEntry(entries)).build());
      return this;
    }
  }

  /**
   * A stream that first names the proxy, as Envoy does, arriving as the receiver's sidecar passes
   * it on: with the x-forwarded-client-cert of the proxy's certificate (default service account).
   */
  public Stream open(String namespace, String workload, String pod) {
    return open(xfcc("spiffe://cluster.local/ns/" + namespace + "/sa/default"), namespace, workload, pod, null);
  }

  /** A stream with the given XFCC header (null: none, as a caller that bypassed the sidecar) and node metadata. */
  public Stream open(String forwardedClientCert, String namespace, String workload, String pod, String serviceAccount) {
    Metadata headers = new Metadata();
    if (forwardedClientCert != null) {
      headers.put(Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER), forwardedClientCert);
    }
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("NAME", Value.newBuilder().setStringValue(pod).build())
        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
        .putFields("WORKLOAD_NAME", Value.newBuilder().setStringValue(workload).build())
        .putFields("CLUSTER_ID", Value.newBuilder().setStringValue("c1").build());
    if (serviceAccount != null) {
      metadata.putFields("SERVICE_ACCOUNT", Value.newBuilder().setStringValue(serviceAccount).build());
    }
    Stream s = new Stream(AccessLogServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
    s.out.onNext(StreamAccessLogsMessage.newBuilder().setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
        .setLogName("envoy.access_loggers.http_grpc").setNode(Node.newBuilder().setId("sidecar~10.0.0.1~" + pod + "." + namespace
            + "~" + namespace + ".svc.cluster.local").setMetadata(metadata)))
        .build());
    return s;
  }

  /** A stream from a mesh proxy that never says who it is. */
  Stream anonymous() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER), xfcc("spiffe://cluster.local/ns/shop/sa/default"));
    return new Stream(AccessLogServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  /** The XFCC element Istio's inbound sidecar appends for a client certificate with this SPIFFE URI. */
  public static String xfcc(String spiffeUri) {
    return "By=spiffe://cluster.local/ns/smm-system/sa/smm;Hash=5b6c2f1e;Subject=\"\";URI=" + spiffeUri;
  }

  /** An HTTP entry as a sidecar logs it; outbound ones name the upstream pod in the filter state as Istio's metadata exchange does. */
  public static HTTPAccessLogEntry entry(boolean outbound, String method, String path, int code, String peerPod, String userAgent) {
    AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(5_000_000))
        .setTimeToLastDownstreamTxByte(Duration.newBuilder().setNanos(121_499_879))
        .setUpstreamCluster(outbound ? "outbound|8080||catalog.shop.svc.cluster.local" : "inbound|8080||")
        .setUpstreamRemoteAddress(address("10.0.0.9", 8080))
        .setDownstreamRemoteAddress(address("10.0.0.7", 41234))
        .putFilterStateObjects(outbound ? "wasm.upstream_peer_id" : "wasm.downstream_peer_id",
            Any.pack(Value.newBuilder().setStringValue(peerPod).build()));
    return HTTPAccessLogEntry.newBuilder().setCommonProperties(common)
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setRequest(HTTPRequestProperties.newBuilder().setRequestMethod(RequestMethod.valueOf(method)).setPath(path)
            .setAuthority("catalog:8080").setUserAgent(userAgent).setRequestId("req-1").putRequestHeaders("x-tenant", "blue"))
        .setResponse(HTTPResponseProperties.newBuilder().setResponseCode(UInt32Value.of(code)))
        .build();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
