package io.smm.sandbox.envoy;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What travels between demo pods besides the payload. A sidecar stand-in cannot do TLS or Envoy's
 * metadata exchange, so it says in headers what those would have established: the calling
 * workload's identity (Istio's x-envoy-peer-metadata), whether the connection is mutual TLS, and
 * the service the client routed to. TCP carries the same in a first line (Istio's TCP metadata
 * exchange is a preamble too, negotiated by ALPN).
 */
public final class Wire {

  public static final String PEER = "x-smm-peer";
  /** The request's HTTP method among an application's headers, as HTTP/2 and Envoy carry it (a pseudo-header). */
  public static final String METHOD = ":method";
  public static final String TLS = "x-smm-tls";
  public static final String SERVICE = "x-smm-destination-service";
  public static final String TCP_PREAMBLE = "SMM-PEER ";
  /**
   * First line of a connection to a network gateway's 15443: {@code SMM-SNI <sni> <namespace>/<pod>},
   * the TLS SNI Envoy would send, and the endpoint the caller's EDS chose ({@link GatewayTunnels}).
   */
  public static final String SNI_PREAMBLE = "SMM-SNI ";

  /** The demo's one gRPC method: unary, opaque bytes (no generated stubs needed). */
  public static final MethodDescriptor<byte[], byte[]> GRPC_CALL = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("smm.demo.Workload/Call")
      .setRequestMarshaller(new Bytes())
      .setResponseMarshaller(new Bytes())
      .build();

  private Wire() {}

  static String encode(MeshIdentity id) {
    return String.join("|", id.workload(), id.namespace(), id.app(), id.version(), id.principal(), id.pod(), id.cluster(), id.ip());
  }

  static MeshIdentity decode(String header) {
    if (header == null) {
      return MeshIdentity.UNKNOWN;
    }
    String[] f = header.split("\\|", -1);
    if (f.length != 8) {
      return MeshIdentity.UNKNOWN;
    }
    return new MeshIdentity(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
