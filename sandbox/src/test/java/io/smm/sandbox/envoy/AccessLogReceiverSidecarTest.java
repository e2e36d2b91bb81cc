package io.smm.sandbox.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.smm.sandbox.istiod.MeshCa;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in for the receiver pod's sidecar: mTLS with the mesh's certificates only, the caller's identity passed on. */
class AccessLogReceiverSidecarTest {

  static final String HOST = "smm-als.smm-system.svc.cluster.local";
  final MeshCa ca = MeshCa.create("cluster.local");
  final BlockingQueue<String> forwarded = new LinkedBlockingQueue<>();
  Server receiver;
  AccessLogReceiverSidecar sidecar;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor headers = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
        forwarded.add(String.valueOf(h.get(AccessLogReceiverSidecar.XFCC)));
        return next.startCall(call, h);
      }
    };
    receiver = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(ServerInterceptors.intercept(
        new AccessLogServiceGrpc.AccessLogServiceImplBase() {
          @Override
          public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(StreamObserver<StreamAccessLogsResponse> responses) {
            return new StreamObserver<>() {
              @Override
              public void onNext(StreamAccessLogsMessage value) {}

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                responses.onNext(StreamAccessLogsResponse.getDefaultInstance());
                responses.onCompleted();
              }
            };
          }
        }, headers)).build().start();
    MeshCa.Workload cert = ca.issue("smm-system", "smm", HOST);
    sidecar = new AccessLogReceiverSidecar(cert.key(), cert.certificate(), MeshTrust.of(ca.root()), ca.spiffeId("smm-system", "smm"),
        "127.0.0.1:" + receiver.getPort());
  }

  @AfterEach
  void stop() {
    sidecar.close();
    receiver.shutdownNow();
  }

  @Test
  void aMeshWorkloadsStreamArrivesWithItsVerifiedIdentityAfterAnythingTheClientClaimed() throws Exception {
    MeshCa.Workload client = ca.issue("smm-demo", "bookings");
    Metadata claimed = new Metadata();
    claimed.put(AccessLogReceiverSidecar.XFCC, "URI=spiffe://cluster.local/ns/smm-system/sa/smm");
    assertThat(send(channel(SslContextBuilder.forClient().keyManager(client.key(), client.certificate())), claimed)).isNull();
    assertThat(forwarded.poll(10, TimeUnit.SECONDS)).startsWith("URI=spiffe://cluster.local/ns/smm-system/sa/smm,"
        + "By=spiffe://cluster.local/ns/smm-system/sa/smm;Hash=").endsWith(";URI=spiffe://cluster.local/ns/smm-demo/sa/bookings");
  }

  @Test
  void withoutAClientCertificateOrWithAnotherMeshsOneNothingReachesTheReceiver() throws Exception {
    Status none = Status.fromThrowable(send(channel(SslContextBuilder.forClient()), new Metadata()));
    assertThat(none.getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    MeshCa other = MeshCa.create("cluster.local");
    MeshCa.Workload foreign = other.issue("smm-demo", "bookings");
    Status refused = Status.fromThrowable(send(channel(SslContextBuilder.forClient().keyManager(foreign.key(), foreign.certificate())),
        new Metadata()));
    assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(forwarded).as("no stream reached the receiver").isEmpty();
  }

  ManagedChannel channel(SslContextBuilder tls) throws Exception {
    return NettyChannelBuilder.forTarget(sidecar.address()).overrideAuthority(HOST)
        .sslContext(GrpcSslContexts.configure(tls.trustManager(ca.root())).build()).build();
  }

  /** Opens a stream, sends one message, ends it; returns the error, or null for a clean end. */
  static Throwable send(ManagedChannel channel, Metadata headers) throws Exception {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    try {
      var out = AccessLogServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .streamAccessLogs(new StreamObserver<>() {
            @Override
            public void onNext(StreamAccessLogsResponse value) {}

            @Override
            public void onError(Throwable t) {
              done.complete(t);
            }

            @Override
            public void onCompleted() {
              done.complete(null);
            }
          });
      out.onNext(StreamAccessLogsMessage.getDefaultInstance());
      out.onCompleted();
      return done.get(20, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }
}
