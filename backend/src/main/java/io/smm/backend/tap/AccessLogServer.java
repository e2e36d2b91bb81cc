package io.smm.backend.tap;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server sidecars stream access logs to (smm-als, port 50600 in the seed). Plain gRPC:
 * in a cluster the receiver's own sidecar terminates the mesh's mTLS, as the seed's 2/2 smm-als
 * pod does (the install makes that port STRICT mTLS and denies callers without a mesh identity),
 * and passes the caller's verified identity on in x-forwarded-client-cert ({@link PeerIdentity}). Limits keep one bad client from hurting the rest: messages over 4 MiB end that stream
 * (RESOURCE_EXHAUSTED), connections idle for 5 minutes (opened, never sending) are closed.
 */
public final class AccessLogServer implements AutoCloseable {

  static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final Server server;

  public AccessLogServer(String host, int port, AccessLogReceiver receiver) {
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          .addService(ServerInterceptors.intercept(receiver, new PeerIdentity.FromHeaders()))
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .maxConnectionIdle(5, TimeUnit.MINUTES)
          .permitKeepAliveTime(30, TimeUnit.SECONDS)
          .build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for access logs on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
