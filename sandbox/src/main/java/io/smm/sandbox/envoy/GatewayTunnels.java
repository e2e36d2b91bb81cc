package io.smm.sandbox.envoy;

import io.smm.sandbox.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caller's half of a cross-network call: Envoy opens its upstream connection to the other
 * network's gateway on 15443 with the SNI {@code outbound_.<port>_.<subset>_.<host>}, and the
 * gateway, in AUTO_PASSTHROUGH, forwards the still-encrypted stream to an endpoint of that service.
 * The simulated sidecars speak HTTP, gRPC and TCP through ordinary clients, so each (gateway,
 * service port, endpoint) gets a local listener here that opens that connection for them: it
 * writes the SNI (and, as the sandbox's stand-in for the endpoint the caller's EDS picked, the pod)
 * as a first line ({@link Wire#SNI_PREAMBLE}) and then relays bytes both ways. A gateway that does
 * not answer makes the accepted connection close at once: the caller sees a reset, as Envoy's UF.
 */
public final class GatewayTunnels implements AutoCloseable {

  /** Tunnels kept at most; a mesh this size never needs as many (one per remote endpoint port). */
  private static final int MAX_TUNNELS = 512;

  private record Key(String gateway, String sni, String pod) {}

  private final Map<Key, ServerSocket> tunnels = new ConcurrentHashMap<>();
  private final ExecutorService relays = Executors.newCachedThreadPool(DaemonThreads.named("gateway-tunnel"));

  /**
   * A local address whose connections reach {@code namespace/pod} through the gateway listening at
   * {@code gateway} (host:port on this machine), for the service {@code host}'s port {@code port}.
   */
  public String open(String gateway, int port, String host, String namespace, String pod) {
    Key key = new Key(gateway, "outbound_." + port + "_._." + host, namespace + "/" + pod);
    ServerSocket listener = tunnels.computeIfAbsent(key, k -> {
      if (tunnels.size() >= MAX_TUNNELS) {
        throw new IllegalStateException("more than " + MAX_TUNNELS + " cross-network tunnels");
      }
      try {
        ServerSocket s = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        relays.execute(() -> accept(s, k));
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept(ServerSocket listener, Key key) {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      relays.execute(() -> connect(client, key));
    }
  }

  private void connect(Socket client, Key key) {
    Socket upstream = new Socket();
    try {
      upstream.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      upstream.connect(Upstreams.socketAddress(key.gateway()), 2000);
      OutputStream out = upstream.getOutputStream();
      out.write((Wire.SNI_PREAMBLE + key.sni() + " " + key.pod() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      closeQuietly(upstream);
      closeQuietly(client);
      return;
    }
    relay(relays, client, upstream);
  }

  /** Copies bytes both ways until both sides ended (each end passed on as a half-close), then closes both; an error closes both at once. */
  public static void relay(ExecutorService threads, Socket a, Socket b) {
    AtomicInteger open = new AtomicInteger(2);
    Runnable ended = () -> {
      if (open.decrementAndGet() == 0) {
        closeQuietly(a);
        closeQuietly(b);
      }
    };
    threads.execute(() -> {
      pipe(a, b);
      ended.run();
    });
    pipe(b, a);
    ended.run();
  }

  private static void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    tunnels.values().forEach(s -> {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    });
    tunnels.clear();
    relays.shutdownNow();
  }
}
