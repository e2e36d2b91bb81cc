package io.smm.sandbox.gateway;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.envoy.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The east-west side of a gateway pod: on the network gateway port (15443) Envoy serves the
 * Gateway servers with {@code tls.mode: AUTO_PASSTHROUGH} that select the pod, and forwards each
 * connection, by its SNI {@code outbound_.<port>_.<subset>_.<host>}, to an endpoint of that service
 * in this cluster without terminating its mTLS. No such server for the SNI's host, an unknown
 * service or an endpoint that is not one of its running pods: the connection is closed (Envoy has
 * no filter chain or cluster for it). The endpoint comes from the caller ({@link Wire#SNI_PREAMBLE}).
 */
final class NetworkGatewayPassthrough implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkGatewayPassthrough.class);
  /** Istio's port for cross-network traffic (meshNetworks gateways, the istio-cross-network Gateway). */
  static final int PORT = 15443;
  private static final Pattern SNI = Pattern.compile(
      "outbound_\\.(\\d+)_\\.[^_.]*_\\.(([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local)");
  private static final int MAX_PREAMBLE = 1024;

  private final KubernetesClient client;
  private final GatewayRoutes routes;
  private final Supplier<IngressGatewayRuntime.PodAddresses> upstreams;
  private final PortListeners listeners = new PortListeners("network-gateway");

  NetworkGatewayPassthrough(KubernetesClient client, GatewayRoutes routes, Supplier<IngressGatewayRuntime.PodAddresses> upstreams) {
    this.client = client;
    this.routes = routes;
    this.upstreams = upstreams;
  }

  /** Starts the gateway pod's 15443 listener on a free loopback port (its route on the pod network). */
  void start(Pod gateway) {
    listeners.start(key(gateway), connection -> serve(gateway, connection));
  }

  Optional<String> address(Pod gateway) {
    return listeners.address(key(gateway));
  }

  void stop(Pod gateway) {
    listeners.stop(key(gateway));
  }

  private void serve(Pod gateway, Socket connection) {
    try {
      connection.setTcpNoDelay(true);
      String first = firstLine(connection.getInputStream());
      listeners.relay(connection, first == null || !first.startsWith(Wire.SNI_PREAMBLE) ? Optional.empty()
          : upstream(gateway, first.substring(Wire.SNI_PREAMBLE.length())));
    } catch (IOException | RuntimeException e) {
      LOG.debug("network gateway {}: connection dropped: {}", key(gateway), e.getMessage());
      PortListeners.close(connection);
    }
  }

  /** Where the SNI's service port reaches the named endpoint, when an AUTO_PASSTHROUGH server of this gateway takes the SNI. */
  Optional<String> upstream(Pod gateway, String preamble) {
    String[] parts = preamble.strip().split(" ");
    Matcher sni = parts.length == 2 ? SNI.matcher(parts[0]) : null;
    if (sni == null || !sni.matches()) {
      return Optional.empty();
    }
    String host = sni.group(2);
    boolean passthrough = routes.servers(gateway, PORT, host).stream()
        .anyMatch(e -> "AUTO_PASSTHROUGH".equals(e.getValue().at("/tls/mode").asText()));
    String[] endpoint = parts[1].split("/", 2);
    String namespace = sni.group(4);
    if (!passthrough || endpoint.length != 2 || !endpoint[0].equals(namespace)) {
      return Optional.empty();
    }
    Service service = client.services().inNamespace(namespace).withName(sni.group(3)).get();
    Pod pod = client.pods().inNamespace(namespace).withName(endpoint[1]).get();
    if (service == null || pod == null || service.getSpec().getSelector() == null || pod.getMetadata().getLabels() == null
        || !pod.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet())
        || pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    int containerPort = ServicePorts.containerPort(service, pod, Integer.parseInt(sni.group(1)));
    IngressGatewayRuntime.PodAddresses addresses = upstreams.get();
    return containerPort < 0 || addresses == null ? Optional.empty() : addresses.address(namespace, endpoint[1], containerPort);
  }

  /** The first line, read byte by byte so that nothing after it is consumed; null when there is none within the limit. */
  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() >= MAX_PREAMBLE) {
        return null;
      }
      line.write(b);
    }
    return b == '\n' ? line.toString(StandardCharsets.UTF_8) : null;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    listeners.close();
  }
}
