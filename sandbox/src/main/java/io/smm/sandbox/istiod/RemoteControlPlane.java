package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.envoy.ServicePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The istiod that serves this cluster's proxies when it runs in another cluster (a PASSIVE control
 * plane, Istio's remote cluster): found as a proxy finds it — the discovery address's Service
 * (istiod-REV) has no selector here, and its Endpoints name the other cluster's meshexpansion
 * gateway, whose 15012 passes through to that istiod. Followed every few seconds: once such an
 * istiod answers, the sidecars follow its view ({@link RemoteProxies}: its cluster's Istio
 * configuration, Services and pods, and the clusters of its remote secrets but this one) and new
 * sidecars get its certificates; when the Service selects a local istiod again, they are served by
 * it. Endpoints off this machine are never connected to.
 */
public final class RemoteControlPlane implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteControlPlane.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final DemoRuntime sidecars;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("remote-istiod"));
  /** The istiod serving now (its address and revision), null while the cluster's own serves. */
  private volatile Target serving;

  /** A remote istiod: where its 15012 is reached, the revision, and this cluster's ID in the mesh. */
  record Target(String address, String revision, String cluster) {}

  public RemoteControlPlane(KubernetesClient client, DemoRuntime sidecars) {
    this.client = client;
    this.sidecars = sidecars;
  }

  public RemoteControlPlane start(Duration period) {
    loop.scheduleWithFixedDelay(this::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The revision whose remote istiod serves the sidecars now; empty while their own cluster's does. */
  public Optional<String> servingRevision() {
    Target t = serving;
    return t == null ? Optional.empty() : Optional.of(t.revision());
  }

  void refresh() {
    try {
      Optional<Target> wanted = target();
      Target current = serving;
      if (wanted.isPresent() && !wanted.get().equals(current)) {
        connect(wanted.get());
      } else if (wanted.isEmpty() && current != null) {
        LOG.info("istiod of {}: served by this cluster again", current.revision());
        serving = null;
        sidecars.servedLocally();
      }
    } catch (RuntimeException e) {
      LOG.debug("remote istiod not reached yet: {}", e.getMessage());
    }
  }

  /** The first istiod Service without a selector whose Endpoints lead somewhere on this machine. */
  Optional<Target> target() {
    for (Service svc : client.services().inAnyNamespace().withLabel("app", "istiod").list().getItems()) {
      if (svc.getSpec().getSelector() != null && !svc.getSpec().getSelector().isEmpty()) {
        continue;
      }
      String revision = svc.getMetadata().getLabels().getOrDefault("istio.io/rev", "");
      Endpoints endpoints = client.endpoints().inNamespace(svc.getMetadata().getNamespace()).withName(svc.getMetadata().getName()).get();
      Optional<String> address = xdsAddress(endpoints);
      String cluster = ControlPlaneIds.clusterId(client, revision);
      if (address.isPresent() && cluster != null) {
        return Optional.of(new Target(address.get(), revision, cluster));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> xdsAddress(Endpoints endpoints) {
    return ServicePorts.loopbackEndpoint(endpoints, (subset, p) -> "https-dns".equals(p.getName()) || Integer.valueOf(15012).equals(p.getPort()));
  }

  private void connect(Target target) {
    JsonNode view = ask(target.address(), Map.of("type", "discovery", "revision", target.revision(), "cluster", target.cluster()));
    String configCluster = view.path("cluster").asText();
    String kubeconfig = view.path("kubeconfig").asText();
    X509Certificate root = MeshCa.certificate(view.path("rootCert").asText());
    KubernetesClient config = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    RemoteClusters clusters = new RemoteClusters(config, "istio-system", Map.of(configCluster, kubeconfig), target.cluster())
        .start(Duration.ofSeconds(2));
    MeshCa ca = MeshCa.signedElsewhere(root, "cluster.local", (csr, namespace, serviceAccount) -> MeshCa.certificate(
        ask(target.address(), Map.of("type", "csr", "csr", csr, "namespace", namespace, "serviceAccount", serviceAccount))
            .path("certificateChain").asText()));
    sidecars.servedBy(config, clusters, ca);
    serving = target;
    LOG.info("istiod of {}: served by cluster {}'s, through {}", target.revision(), configCluster, target.address());
  }

  /** One request to the istiod at {@code address} (host:port on this machine) and its answer. */
  private static JsonNode ask(String address, Map<String, String> request) {
    int colon = address.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.getOutputStream().write((Serialization.jsonMapper().writeValueAsString(new LinkedHashMap<>(request)) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new IllegalStateException("istiod at " + address + " closed the connection without an answer");
      }
      JsonNode answer = Serialization.jsonMapper().readTree(line);
      if (answer.has("error")) {
        throw new IllegalStateException("istiod at " + address + ": " + answer.path("error").asText());
      }
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException("istiod at " + address + " not reached: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
