package io.smm.sandbox.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.kubelet.PodRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The data plane of an ingress gateway behind a LoadBalancer Service (what Envoy in the gateway pod
 * and the cloud's load balancer do together): the Service's ports are served on this machine's
 * loopback at the host ports the sandbox maps them to (e.g. 80 to 18080), plain HTTP, or TLS with
 * the certificate of the Gateway server whose hosts match the SNI name (its credentialName Secret in
 * the gateway's namespace, re-read at every handshake, so a newly issued certificate is served at
 * once). Requests follow the VirtualServices bound to those Gateways ({@link GatewayRoutes}) to a
 * running pod of the destination Service at the address its runtime listens on (GET only). No
 * route: 404, as Envoy's NR; no ready endpoint: 503 "no healthy upstream". A Service port 15443
 * is the network gateway's east-west port ({@link NetworkGatewayPassthrough}); its other ports
 * without a host port (the meshexpansion gateway's 15012, where VMs reach istiod) forward TLS
 * PASSTHROUGH servers' connections ({@link TlsPassthrough}). Those are reached on the pod network,
 * as another cluster's or a VM's traffic arrives through the cloud's load balancer.
 */
public final class IngressGatewayRuntime implements PodRuntime, AutoCloseable {

  private final KubernetesClient client;
  private final Map<Integer, Integer> hostPorts;
  private final GatewayRoutes routes;
  private final Map<String, List<HttpServer>> listeners = new ConcurrentHashMap<>();
  private volatile PodAddresses upstreams;
  /** The cluster whose Gateways and VirtualServices configure the gateways: this one, or the one whose istiod serves it. */
  private volatile java.util.function.Supplier<KubernetesClient> config;
  private volatile Function<String, Optional<String>> inProcess = host -> Optional.empty();
  private final NetworkGatewayPassthrough eastWest;
  private final TlsPassthrough passthrough;
  /** The container port the network gateway port (15443) of a gateway pod's Service targets. */
  private final Map<String, Integer> eastWestPorts = new ConcurrentHashMap<>();

  /** Where a pod's port is reached from this machine (host:port), as the kubelet's runtimes say. */
  @FunctionalInterface
  public interface PodAddresses {
    Optional<String> address(String namespace, String pod, int port);
  }

  /** @param hostPorts the LoadBalancer Service's port -> the loopback port it is served on */
  public IngressGatewayRuntime(KubernetesClient client, Map<Integer, Integer> hostPorts) {
    this.client = client;
    this.config = () -> client;
    this.hostPorts = Map.copyOf(hostPorts);
    this.routes = new GatewayRoutes(() -> config.get());
    this.eastWest = new NetworkGatewayPassthrough(client, routes, () -> upstreams);
    this.passthrough = new TlsPassthrough(client, routes, () -> upstreams, host -> inProcess.apply(host));
  }

  /**
   * Where the gateways' configuration (Gateways, VirtualServices) is read: the cluster of the istiod
   * that serves this cluster's proxies — a remote cluster's gateways follow the primary's Istio resources.
   */
  public void configuredBy(java.util.function.Supplier<KubernetesClient> config) {
    this.config = config;
  }

  /** Where the product's collectors, which run in the sandbox's process, listen: mesh host:port to a local address. */
  public void inProcess(Function<String, Optional<String>> addresses) {
    this.inProcess = addresses;
  }

  /** Where requests are forwarded: the pods' addresses the kubelet knows (set once the node exists). */
  public void upstreams(PodAddresses proxy) {
    this.upstreams = proxy;
  }

  @Override
  public boolean runs(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || !"ingress".equals(labels.get("gateway-type")) || labels.get("gateway-name") == null) {
      return false;
    }
    Service service = client.services().inNamespace(pod.getMetadata().getNamespace()).withName(labels.get("gateway-name")).get();
    return service != null && "LoadBalancer".equals(service.getSpec().getType());
  }

  @Override
  public void start(Pod pod) {
    Service service = client.services().inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getLabels().get("gateway-name")).get();
    List<HttpServer> started = new ArrayList<>();
    for (var port : service.getSpec().getPorts()) {
      Integer hostPort = hostPorts.get(port.getPort());
      if (hostPort == null || listeners.values().stream().flatMap(List::stream).anyMatch(s -> s.getAddress().getPort() == hostPort)) {
        continue; // not mapped, or another gateway holds it (one load balancer address here)
      }
      try {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), hostPort);
        HttpServer server;
        if (port.getPort() == 443 || "https".equals(port.getName())) {
          HttpsServer https = HttpsServer.create(at, 0);
          SSLContext ssl = SSLContext.getInstance("TLS");
          ssl.init(new KeyManager[] {new SniKeyManager(client, pod.getMetadata().getNamespace(),
              sni -> routes.tls(pod, port.getPort(), sni).map(GatewayRoutes.Tls::credentialName))}, null, null);
          https.setHttpsConfigurator(new HttpsConfigurator(ssl));
          server = https;
        } else {
          server = HttpServer.create(at, 0);
        }
        int servicePort = port.getPort();
        server.createContext("/", exchange -> serve(pod, servicePort, exchange));
        server.start();
        started.add(server);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on 127.0.0.1:" + hostPort + " for " + service.getMetadata().getName(), e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    listeners.put(key(pod), started);
    // The network gateway port and the TLS passthrough ports are reached on the pod network (another network's
    // sidecars, VMs, through the cloud's load balancer), not on a host port: the kubelet publishes where they listen.
    for (var port : service.getSpec().getPorts()) {
      int containerPort = ServicePorts.containerPort(service, pod, port.getPort());
      if (port.getPort() == NetworkGatewayPassthrough.PORT) {
        eastWestPorts.put(key(pod), containerPort);
        eastWest.start(pod);
      } else if (!hostPorts.containsKey(port.getPort()) && containerPort > 0) {
        passthrough.start(pod, port.getPort(), containerPort);
      }
    }
  }

  @Override
  public Optional<String> address(Pod pod, int port) {
    Integer eastWestPort = eastWestPorts.get(key(pod));
    return eastWestPort != null && eastWestPort == port ? eastWest.address(pod) : passthrough.address(pod, port);
  }

  private void serve(Pod pod, int port, HttpExchange exchange) throws IOException {
    try (exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      String pathAndQuery = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      Optional<GatewayRoutes.Destination> destination = routes.route(pod, port, host, exchange.getRequestURI().getPath());
      if (destination.isEmpty()) {
        reply(exchange, 404, "text/plain", new byte[0]);
        return;
      }
      Optional<PlainHttp.Answer> answer = forward(destination.get(), host, pathAndQuery);
      if (answer.isEmpty()) {
        reply(exchange, 503, "text/plain", "no healthy upstream".getBytes(StandardCharsets.UTF_8));
      } else {
        reply(exchange, answer.get().status(), answer.get().contentType(), answer.get().body().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** To a running pod selected by the destination Service, on the port the Service port targets, Host kept (as Envoy keeps it). */
  private Optional<PlainHttp.Answer> forward(GatewayRoutes.Destination d, String host, String pathAndQuery) {
    Service service = client.services().inNamespace(d.namespace()).withName(d.service()).get();
    PodAddresses proxy = upstreams;
    if (service == null || proxy == null || service.getSpec().getSelector() == null) {
      return Optional.empty();
    }
    int target = service.getSpec().getPorts().stream().filter(p -> p.getPort() == d.port()).findFirst()
        .map(p -> p.getTargetPort() == null ? d.port() : targetPort(p.getTargetPort(), d.port())).orElse(d.port());
    for (Pod backend : client.pods().inNamespace(d.namespace()).withLabels(service.getSpec().getSelector()).list().getItems()) {
      if (backend.getStatus() != null && "Running".equals(backend.getStatus().getPhase())) {
        Optional<String> address = proxy.address(d.namespace(), backend.getMetadata().getName(), target);
        if (address.isPresent()) {
          try {
            return Optional.of(PlainHttp.get(URI.create("http://" + address.get()), host, pathAndQuery));
          } catch (IOException e) {
            // the next endpoint, as Envoy retries a connect failure
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int targetPort(IntOrString target, int fallback) {
    return target.getIntVal() != null ? target.getIntVal() : fallback;
  }

  private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void stop(Pod pod) {
    List<HttpServer> servers = listeners.remove(key(pod));
    if (servers != null) {
      servers.forEach(s -> s.stop(0));
    }
    eastWestPorts.remove(key(pod));
    eastWest.stop(pod);
    passthrough.stop(pod);
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    listeners.values().forEach(l -> l.forEach(s -> s.stop(0)));
    listeners.clear();
    eastWest.close();
    passthrough.close();
  }
}
