package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.GatewayTunnels;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.envoy.Upstreams;
import io.smm.sandbox.kubelet.PodNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's load balancer: for each LoadBalancer Service port, a listener on the load balancer's
 * address and that port, which hands each connection to a running pod of the Service — the route
 * its kubelet publishes for the target port ({@link PodNetwork}) — and relays both ways; a Service
 * without such a pod has its connections closed, as a cloud load balancer without healthy targets.
 * A port that cannot be bound (in use on that address, or below 1024 without the privilege) is
 * skipped, with one warning unless it is below 1024: its Service keeps its address, nothing answers there.
 */
public final class LoadBalancers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancers.class);

  private final KubernetesClient client;
  private final InetAddress address;
  private final Map<String, ServerSocket> listening = new ConcurrentHashMap<>();
  private final Set<String> unbindable = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("sandbox-load-balancer"));

  LoadBalancers(KubernetesClient client, InetAddress address) {
    this.client = client;
    this.address = address;
  }

  /**
   * The load balancer address of the sandbox whose files are in {@code dir}: chosen once, at random
   * in 127.0.0.0/8 (every loopback address answers on Linux), and kept, since the addresses other
   * clusters were given (meshNetworks, Endpoints) must stay valid across restarts.
   */
  public static InetAddress of(Path dir) {
    Path file = dir.resolve("load-balancer-address");
    try {
      if (Files.isRegularFile(file)) {
        return InetAddress.getByName(Files.readString(file, StandardCharsets.US_ASCII).strip());
      }
      SecureRandom random = new SecureRandom();
      // 127.100.0.0-127.199.255.255: apart from 127.0.0.1 and the addresses the manual gives VMs (127.77.x.x).
      InetAddress chosen = InetAddress.getByAddress(new byte[] {127, (byte) (100 + random.nextInt(100)), (byte) random.nextInt(256),
          (byte) (1 + random.nextInt(254))});
      Files.createDirectories(dir);
      Files.writeString(file, chosen.getHostAddress() + "\n", StandardCharsets.US_ASCII);
      return chosen;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the load balancer's address in " + file, e);
    }
  }

  /** Listens for Service port namespace/name:port (when not yet); returns its key. */
  String listen(String namespace, String name, int port) {
    String key = namespace + "/" + name + ":" + port;
    if (listening.containsKey(key) || unbindable.contains(key)) {
      return key;
    }
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port), 64);
    } catch (IOException e) {
      unbindable.add(key);
      // Below 1024 a user without the privilege cannot listen (an ingress gateway's 80/443): expected, so not a warning.
      if (port < 1024) {
        LOG.debug("load balancer: {} cannot listen on {}:{} ({}); nothing answers there", key, address.getHostAddress(), port, e.getMessage());
      } else {
        LOG.warn("load balancer: {} cannot listen on {}:{} ({}); nothing answers there", key, address.getHostAddress(), port, e.getMessage());
      }
      return key;
    }
    listening.put(key, socket);
    threads.execute(() -> accept(socket, namespace, name, port));
    return key;
  }

  /** Stops listening for the Service ports not in {@code keys}. */
  void retain(Set<String> keys) {
    listening.entrySet().removeIf(e -> {
      if (keys.contains(e.getKey())) {
        return false;
      }
      close(e.getValue());
      return true;
    });
    unbindable.retainAll(keys);
  }

  private void accept(ServerSocket socket, String namespace, String name, int port) {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        threads.execute(() -> forward(connection, namespace, name, port));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void forward(Socket connection, String namespace, String name, int port) {
    try {
      Optional<String> target = target(namespace, name, port);
      if (target.isEmpty()) {
        connection.close();
        return;
      }
      Socket upstream = new Socket();
      upstream.setTcpNoDelay(true);
      upstream.connect(Upstreams.socketAddress(target.get()), 2000);
      GatewayTunnels.relay(threads, connection, upstream);
    } catch (IOException | RuntimeException e) {
      close(connection);
    }
  }

  /** The route of a running pod of the Service for the port's target. */
  private Optional<String> target(String namespace, String name, int port) {
    Service service = client.services().inNamespace(namespace).withName(name).get();
    return service == null ? Optional.empty() : ServicePorts.runningRoute(client, service, port);
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    listening.values().forEach(LoadBalancers::close);
    listening.clear();
    threads.shutdownNow();
  }
}
