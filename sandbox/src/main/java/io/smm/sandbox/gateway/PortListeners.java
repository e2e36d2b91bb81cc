package io.smm.sandbox.gateway;

import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.GatewayTunnels;
import io.smm.sandbox.envoy.Upstreams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Gateway pods' TCP listeners on the pod network: each is a free loopback port (the route the
 * kubelet publishes for the pod's container port) whose connections are each served on a thread
 * of their own. Keyed by the caller (a pod, or a pod and port).
 */
final class PortListeners implements AutoCloseable {

  /** Serves one accepted connection; it owns (and closes) it. */
  @FunctionalInterface
  interface Handler {
    void serve(Socket connection);
  }

  private final Map<String, ServerSocket> listeners = new ConcurrentHashMap<>();
  private final ExecutorService threads;

  PortListeners(String threadName) {
    threads = Executors.newCachedThreadPool(DaemonThreads.named(threadName));
  }

  /**
   * Relays {@code connection} to {@code upstream} (host:port) both ways on this object's threads, or
   * closes it when there is none, as Envoy resets a connection it has no upstream for.
   */
  void relay(Socket connection, Optional<String> upstream) throws IOException {
    if (upstream.isEmpty()) {
      connection.close();
      return;
    }
    Socket target = new Socket();
    target.setTcpNoDelay(true);
    target.connect(Upstreams.socketAddress(upstream.get()), 2000);
    GatewayTunnels.relay(threads, connection, target);
  }

  void start(String key, Handler handler) {
    try {
      ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      ServerSocket previous = listeners.put(key, listener);
      if (previous != null) {
        close(previous);
      }
      threads.execute(() -> {
        while (!listener.isClosed()) {
          try {
            Socket connection = listener.accept();
            threads.execute(() -> handler.serve(connection));
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Optional<String> address(String key) {
    ServerSocket s = listeners.get(key);
    return s == null ? Optional.empty() : Optional.of("127.0.0.1:" + s.getLocalPort());
  }

  /** Stops the listeners whose key is {@code key} or starts with {@code key + ":"}. */
  void stop(String key) {
    listeners.entrySet().removeIf(e -> {
      boolean match = e.getKey().equals(key) || e.getKey().startsWith(key + ":");
      if (match) {
        close(e.getValue());
      }
      return match;
    });
  }

  static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    listeners.values().forEach(PortListeners::close);
    listeners.clear();
    threads.shutdownNow();
  }
}
