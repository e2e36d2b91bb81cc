package io.smm.sandbox.gateway;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.envoy.ServicePorts;
import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway pod's TLS PASSTHROUGH ports other than the network gateway's, such as the meshexpansion
 * gateway's 15012, where VMs and remote clusters reach istiod: Envoy forwards each connection,
 * still encrypted, to the destination of the VirtualService {@code tls} route bound to the Gateway
 * server on that port ({@link GatewayRoutes#tlsPassthroughRoute}), at a running pod of the
 * destination Service on the port that Service port targets. No such server or route, no running
 * endpoint: the connection is closed, as Envoy has no filter chain or healthy upstream for it. The
 * product's collectors (smm-als, smm-zipkin) run in the sandbox's process rather than in their pods:
 * a destination the sandbox serves in-process is handed to where it listens.
 */
final class TlsPassthrough implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TlsPassthrough.class);

  private final KubernetesClient client;
  private final GatewayRoutes routes;
  private final Supplier<IngressGatewayRuntime.PodAddresses> upstreams;
  private final Function<String, Optional<String>> inProcess;
  private final PortListeners listeners = new PortListeners("gateway-passthrough");

  /** @param inProcess where a service host:port the sandbox serves in its own process listens (empty: not served so) */
  TlsPassthrough(KubernetesClient client, GatewayRoutes routes, Supplier<IngressGatewayRuntime.PodAddresses> upstreams,
      Function<String, Optional<String>> inProcess) {
    this.client = client;
    this.routes = routes;
    this.upstreams = upstreams;
    this.inProcess = inProcess;
  }

  /** Listens for the gateway pod's container port {@code containerPort}, which its Service's {@code servicePort} targets. */
  void start(Pod gateway, int servicePort, int containerPort) {
    listeners.start(key(gateway) + ":" + containerPort, connection -> serve(gateway, servicePort, connection));
  }

  Optional<String> address(Pod gateway, int containerPort) {
    return listeners.address(key(gateway) + ":" + containerPort);
  }

  void stop(Pod gateway) {
    listeners.stop(key(gateway));
  }

  private void serve(Pod gateway, int port, Socket connection) {
    try {
      connection.setTcpNoDelay(true);
      listeners.relay(connection, upstream(gateway, port));
    } catch (IOException | RuntimeException e) {
      LOG.debug("gateway {} port {}: connection dropped: {}", key(gateway), port, e.getMessage());
      PortListeners.close(connection);
    }
  }

  /** A running endpoint of the route's destination, where the kubelet says its target port listens. */
  private Optional<String> upstream(Pod gateway, int port) {
    Optional<GatewayRoutes.Destination> route = routes.tlsPassthroughRoute(gateway, port);
    IngressGatewayRuntime.PodAddresses addresses = upstreams.get();
    if (route.isEmpty() || addresses == null) {
      return Optional.empty();
    }
    GatewayRoutes.Destination d = route.get();
    Optional<String> local = inProcess.apply(d.service() + "." + d.namespace() + ".svc.cluster.local:" + d.port());
    if (local.isPresent()) {
      return local;
    }
    Service service = client.services().inNamespace(d.namespace()).withName(d.service()).get();
    if (service == null) {
      return Optional.empty();
    }
    for (Pod pod : ServicePorts.runningPods(client, service)) {
      int target = ServicePorts.containerPort(service, pod, d.port());
      Optional<String> address = target < 0 ? Optional.empty() : addresses.address(d.namespace(), pod.getMetadata().getName(), target);
      if (address.isPresent()) {
        return address;
      }
    }
    return Optional.empty();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    listeners.close();
  }
}
