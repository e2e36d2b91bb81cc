package io.smm.sandbox.envoy;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The wire protocols demo pods speak to each other: HTTP/1.1, gRPC (HTTP/2) and plain TCP, all on 127.0.0.1. */
public final class Upstreams implements AutoCloseable {

  /** How an attempt ended; {@code failure} is set when no response came back. */
  public enum Failure { NONE, CONNECT, RESET, TIMEOUT }

  public record Response(int httpStatus, Integer grpcStatus, long requestBytes, long responseBytes, Failure failure) {
    static Response failed(Failure f) {
      return new Response(0, null, 0, 0, f);
    }
  }

  private final HttpClient http;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ExecutorService executor;

  public Upstreams(ExecutorService executor) {
    this.executor = executor;
    this.http = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(2)).build();
  }

  public Response call(String protocol, String address, String path, Map<String, String> headers, long timeoutMs, byte[] preamble) {
    return switch (protocol) {
      case "grpc" -> grpc(address, headers, timeoutMs);
      case "tcp" -> tcp(address, path, timeoutMs, preamble);
      default -> http(address, path, headers, timeoutMs);
    };
  }

  private Response http(String address, String path, Map<String, String> headers, long timeoutMs) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address + path))
        .timeout(Duration.ofMillis(timeoutMs > 0 ? timeoutMs : 60_000))
        .method(headers.getOrDefault(Wire.METHOD, "GET"), HttpRequest.BodyPublishers.noBody());
    headers.forEach((k, v) -> {
      if (!k.startsWith(":") && !k.equals("host") && !k.equals("content-length") && !k.equals("connection")) {
        request.header(k, v);
      }
    });
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), null, 0, r.body().length, Failure.NONE);
    } catch (HttpTimeoutException e) {
      return Response.failed(Failure.TIMEOUT);
    } catch (ConnectException e) {
      return Response.failed(Failure.CONNECT);
    } catch (IOException e) {
      return Response.failed(Failure.RESET);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.failed(Failure.RESET);
    }
  }

  private Response grpc(String address, Map<String, String> headers, long timeoutMs) {
    ManagedChannel channel = channels.computeIfAbsent(address, a -> NettyChannelBuilder.forAddress(socketAddress(a))
        .usePlaintext().executor(executor).build());
    Metadata md = new Metadata();
    headers.forEach((k, v) -> {
      if (!k.startsWith(":") && !k.equals("host") && !k.equals("content-type") && !k.equals("te") && !k.equals("user-agent")) {
        md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v);
      }
    });
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs > 0 ? timeoutMs : 60_000, TimeUnit.MILLISECONDS);
    byte[] request = "{}".getBytes(StandardCharsets.UTF_8);
    try {
      byte[] body = ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md)), Wire.GRPC_CALL, options, request);
      return new Response(200, 0, request.length, body.length, Failure.NONE);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.DEADLINE_EXCEEDED) {
        return Response.failed(Failure.TIMEOUT);
      }
      if (code == Status.Code.UNAVAILABLE && e.getStatus().getCause() instanceof ConnectException) {
        return Response.failed(Failure.CONNECT);
      }
      if (code == Status.Code.UNAVAILABLE && e.getStatus().getDescription() != null
          && e.getStatus().getDescription().contains("reset")) {
        return Response.failed(Failure.RESET);
      }
      return new Response(200, code.value(), request.length, 0, Failure.NONE);
    }
  }

  private Response tcp(String address, String path, long timeoutMs, byte[] preamble) {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(socketAddress(address), 2000);
      s.setSoTimeout((int) (timeoutMs > 0 ? timeoutMs : 60_000));
      byte[] query = ("QUERY " + path + "\n").getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      if (preamble != null) {
        out.write(preamble);
      }
      out.write(query);
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] answer = in.readAllBytes();
      if (answer.length == 0) {
        return new Response(0, null, query.length, 0, Failure.RESET);
      }
      return new Response(0, null, query.length, answer.length, Failure.NONE);
    } catch (SocketTimeoutException e) {
      return Response.failed(Failure.TIMEOUT);
    } catch (ConnectException e) {
      return Response.failed(Failure.CONNECT);
    } catch (IOException e) {
      return Response.failed(Failure.RESET);
    }
  }

  /** A {@code host:port} address on this machine (where a pod, gateway or tunnel listens) as a socket address. */
  public static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** Forgets the gRPC channel of a pod that stopped. */
  public void forget(String address) {
    ManagedChannel c = channels.remove(address);
    if (c != null) {
      c.shutdownNow();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
