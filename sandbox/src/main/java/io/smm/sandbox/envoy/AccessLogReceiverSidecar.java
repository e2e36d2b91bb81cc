package io.smm.sandbox.envoy;

import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The inbound side of the sidecar in the pod that receives access logs (the product's receiver
 * runs in the sandbox's own process, so its pod's Envoy is stood in for here): it terminates the
 * mesh's mTLS on the ALS port (a client certificate signed by a root the mesh trusts is required, as
 * PeerAuthentication STRICT), and passes each stream on to the receiver with the verified client
 * identity appended to x-forwarded-client-cert, as Istio's inbound listener does (APPEND_FORWARD,
 * By = this workload, Hash, Subject, URI = the client's SPIFFE id). Only the one gRPC service is
 * forwarded; flow control is not.
 */
public final class AccessLogReceiverSidecar implements AutoCloseable {

  static final Metadata.Key<String> XFCC = Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> FORWARDED = Context.key("xfcc");

  private final Server server;
  private final ManagedChannel upstream;
  private final String self;

  /**
   * @param self the receiving workload's SPIFFE id (XFCC's By)
   * @param receiver host:port of the receiver's plain-text gRPC port
   */
  public AccessLogReceiverSidecar(PrivateKey key, X509Certificate certificate, MeshTrust trust, String self, String receiver) {
    this.self = self;
    this.upstream = ManagedChannelBuilder.forTarget(receiver).usePlaintext().build();
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(key, certificate)).trustManager(trust)
              .clientAuth(ClientAuth.REQUIRE).build())
          .addService(ServerInterceptors.intercept(new Forwarder(), new ClientCertificate()))
          .build().start();
    } catch (IOException e) {
      upstream.shutdownNow();
      throw new UncheckedIOException(e);
    }
  }

  /** host:port where sidecars reach it. */
  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Builds the XFCC the receiver sees from what the client sent and the certificate it presented. */
  private final class ClientCertificate implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      String element;
      try {
        element = element((X509Certificate) session.getPeerCertificates()[0]);
      } catch (SSLPeerUnverifiedException | CertificateException | NoSuchAlgorithmException | RuntimeException e) {
        call.close(Status.UNAUTHENTICATED.withDescription("no verified client certificate: " + e.getMessage()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      String before = headers.get(XFCC);
      String xfcc = before == null || before.isBlank() ? element : before + "," + element;
      return Contexts.interceptCall(Context.current().withValue(FORWARDED, xfcc), call, headers, next);
    }

    private String element(X509Certificate client) throws CertificateException, NoSuchAlgorithmException {
      String uri = spiffeUri(client);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(client.getEncoded()));
      return "By=" + self + ";Hash=" + hash + ";Subject=\"" + client.getSubjectX500Principal().getName() + "\";URI=" + uri;
    }
  }

  static String spiffeUri(X509Certificate c) throws CertificateParsingException {
    if (c.getSubjectAlternativeNames() != null) {
      for (List<?> san : c.getSubjectAlternativeNames()) {
        if (Integer.valueOf(6).equals(san.get(0)) && san.get(1).toString().startsWith("spiffe://")) {
          return san.get(1).toString();
        }
      }
    }
    throw new CertificateParsingException("the client certificate has no SPIFFE URI");
  }

  /** Relays each stream to the receiver, with the XFCC header, and the receiver's verdict back. */
  private final class Forwarder extends AccessLogServiceGrpc.AccessLogServiceImplBase {
    @Override
    public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(StreamObserver<StreamAccessLogsResponse> responses) {
      Metadata headers = new Metadata();
      headers.put(XFCC, FORWARDED.get());
      return AccessLogServiceGrpc.newStub(upstream).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .streamAccessLogs(responses);
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    upstream.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
