package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.kubelet.PodRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for istiod's pods (label app=istiod), for what the product reads from them: the
 * monitoring port 15014's /debug/syncz (each connected sidecar of the pod's revision with its
 * CDS/LDS/RDS/EDS nonces sent and acked, the JSON istioctl proxy-status and Kiali read), and the
 * mesh's trust bundle, which istiod publishes as ConfigMap istio-ca-root-cert (root-cert.pem) in
 * every namespace; its CA ({@link MeshCa}) signs the simulated sidecars' workload certificates.
 * VMs register through {@link WorkloadAutoRegistration}. Not simulated: xDS itself (the simulated
 * sidecars read the configuration from the API), the CSR exchange and rotation, injection and
 * validation webhooks. A sidecar's routes are STALE
 * (sent, not acked) while it rejects a VirtualService it cannot apply; everything else is SYNCED.
 */
public final class IstiodStandIn implements PodRuntime, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IstiodStandIn.class);
  static final int MONITORING_PORT = 15014;
  /** istiod's xDS and CA port with mTLS: the meshexpansion gateway's 15012 leads here. */
  static final int XDS_PORT = 15012;
  static final String ROOT_CERT_CONFIGMAP = "istio-ca-root-cert";
  static final String CA_SECRET = "istio-ca-secret";

  private final KubernetesClient client;
  private final DemoRuntime sidecars;
  private final String clusterId;
  private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
  private final ExecutorService handlers = Executors.newCachedThreadPool(DaemonThreads.named("istiod-monitoring"));
  private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("istiod-root-cert"));
  private volatile String rootCert;
  /** istiod's own CA (the sidecars' may be another cluster's istiod's while that one serves them). */
  private final MeshCa ca;
  /** What pushes a revision's istiod has made: the configuration version it last pushed and how many of each type so far. */
  private final Map<String, long[]> pushes = new ConcurrentHashMap<>();
  private static final String[] XDS_TYPES = {"cds", "lds", "rds", "eds"};

  /** VMs' proxies register here (what the meshexpansion gateway's 15012 leads to). */
  private final WorkloadAutoRegistration autoRegistration;
  private volatile String podName = "istiod";
  /** istiod's namespace (its pod's), where it keeps its CA. */
  private volatile String namespace;

  public IstiodStandIn(KubernetesClient client, DemoRuntime sidecars, String clusterId) {
    this(client, sidecars, clusterId, null);
  }

  /**
   * @param kubeconfig how this cluster's API is reached, handed to the proxies of remote clusters that
   *     connect through the meshexpansion gateway ({@link RemoteProxies}); null: such proxies are not served
   */
  public IstiodStandIn(KubernetesClient client, DemoRuntime sidecars, String clusterId, java.util.function.Supplier<String> kubeconfig) {
    this.client = client;
    this.sidecars = sidecars;
    this.clusterId = clusterId;
    this.ca = sidecars.meshCa();
    this.autoRegistration = new WorkloadAutoRegistration(client, () -> podName, ca,
        kubeconfig == null ? null : new RemoteProxies(client, ca, kubeconfig));
  }

  @Override
  public boolean runs(Pod pod) {
    return pod.getMetadata().getLabels() != null && "istiod".equals(pod.getMetadata().getLabels().get("app"));
  }

  @Override
  public void start(Pod pod) {
    String revision = pod.getMetadata().getLabels().getOrDefault("istio.io/rev", "default");
    podName = pod.getMetadata().getName();
    namespace = pod.getMetadata().getNamespace();
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      // Its own threads: a scrape of /metrics never holds up a /debug/syncz the dashboard waits for.
      server.setExecutor(handlers);
      server.createContext("/debug/syncz", ex -> {
        byte[] body = syncz(revision).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      String version = imageTag(pod);
      server.createContext("/metrics", ex -> {
        byte[] body = metrics(revision, version).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      server.createContext("/", ex -> {
        ex.sendResponseHeaders(404, -1);
        ex.close();
      });
      server.start();
      servers.put(pod.getMetadata().getUid(), server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    synchronized (this) {
      if (rootCert == null) {
        rootCert = ca.rootPem();
        publisher.scheduleWithFixedDelay(this::publishRootCert, 0, 5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void stop(Pod pod) {
    HttpServer server = servers.remove(pod.getMetadata().getUid());
    if (server != null) {
      server.stop(0);
    }
  }

  /** Its monitoring port (15014), and its secure xDS port (15012), where VMs' proxies register. */
  @Override
  public Optional<String> address(Pod pod, int port) {
    HttpServer server = servers.get(pod.getMetadata().getUid());
    if (server == null) {
      return Optional.empty();
    }
    return port == MONITORING_PORT ? Optional.of("127.0.0.1:" + server.getAddress().getPort())
        : port == XDS_PORT ? Optional.of("127.0.0.1:" + autoRegistration.address().getPort()) : Optional.empty();
  }

  /**
   * The pilot metrics the product's dashboards chart, with istiod's names and labels, from what the
   * stand-in knows: its build (istio_build), the sidecars connected to it by Istio version
   * (pilot_xds), the Services and VirtualServices it serves (pilot_services, pilot_virt_services),
   * and one push of each xDS type to every connected sidecar per configuration change
   * (pilot_xds_pushes; counted when scraped, as changes are seen then).
   */
  synchronized String metrics(String revision, String version) {
    List<DemoRuntime.ProxyState> proxies = sidecars.proxies().stream().filter(p -> revision.equals(p.revision())).toList();
    long config = sidecars.configVersion();
    long[] state = pushes.computeIfAbsent(revision, r -> new long[] {Long.MIN_VALUE, 0});
    if (state[0] != config) {
      state[0] = config;
      state[1] += proxies.size();
    }
    StringBuilder out = new StringBuilder();
    out.append("# TYPE istio_build gauge\nistio_build{component=\"pilot\",tag=\"").append(version).append("\"} 1\n");
    out.append("# TYPE pilot_xds gauge\n");
    proxies.stream().collect(Collectors.groupingBy(DemoRuntime.ProxyState::istioVersion, TreeMap::new,
        Collectors.counting())).forEach((v, n) -> out.append("pilot_xds{version=\"").append(v).append("\"} ")
        .append(n).append('\n'));
    out.append("# TYPE pilot_xds_pushes counter\n");
    for (String type : XDS_TYPES) {
      out.append("pilot_xds_pushes{type=\"").append(type).append("\"} ").append(state[1]).append('\n');
    }
    out.append("# TYPE pilot_services gauge\npilot_services ").append(sidecars.serviceCount()).append('\n');
    out.append("# TYPE pilot_virt_services gauge\npilot_virt_services ").append(sidecars.mesh().virtualServices().size()).append('\n');
    return out.toString();
  }

  /** The discovery container's image tag (pilot:1.15.3). */
  private static String imageTag(Pod pod) {
    return pod.getSpec().getContainers().stream().map(c -> c.getImage()).filter(i -> i != null && i.contains(":"))
        .map(i -> i.substring(i.lastIndexOf(':') + 1)).findFirst().orElse("unknown");
  }

  /** istiod's SyncStatus list for the sidecars of a revision; a nonce is the configuration version it stands for. */
  String syncz(String revision) {
    String sent = Long.toHexString(sidecars.configVersion());
    ArrayNode out = Serialization.jsonMapper().createArrayNode();
    for (DemoRuntime.ProxyState p : sidecars.proxies()) {
      if (!revision.equals(p.revision())) {
        continue;
      }
      ObjectNode s = out.addObject();
      s.put("cluster_id", clusterId).put("proxy", p.pod() + "." + p.namespace()).put("proxy_type", "sidecar")
          .put("proxy_version", p.istioVersion()).put("istio_version", p.istioVersion());
      for (String type : new String[] {"cluster", "listener", "endpoint"}) {
        s.put(type + "_sent", sent).put(type + "_acked", sent);
      }
      s.put("route_sent", sent).put("route_acked", p.rejectsRoutes() ? "" : sent);
    }
    return out.toString();
  }

  /**
   * What istiod keeps in its own namespace, istio-ca-secret (its self-signed CA: ca-cert.pem,
   * ca-key.pem), which the istio-operator reads for the control plane's caRootCertificate, and what its
   * namespace controller keeps in every namespace: the root certificate workloads trust.
   */
  private void publishRootCert() {
    try {
      if (namespace != null && client.namespaces().withName(namespace).get() != null) {
        var kept = client.secrets().inNamespace(namespace).withName(CA_SECRET).get();
        String keptRoot = kept == null || kept.getData() == null || kept.getData().get("ca-cert.pem") == null ? null
            : new String(java.util.Base64.getDecoder().decode(kept.getData().get("ca-cert.pem")), StandardCharsets.UTF_8);
        if (!rootCert.equals(keptRoot)) {
          // New, or another CA's (its files in the sandbox home were removed): the one istiod signs with.
          client.secrets().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
              .withName(CA_SECRET).withNamespace(namespace).endMetadata().withType("istio.io/ca-root")
              .addToStringData("ca-cert.pem", rootCert).addToStringData("ca-key.pem", ca.rootKeyPem()).build()).createOr(
                  io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        }
      }
      for (var ns : client.namespaces().list().getItems()) {
        String name = ns.getMetadata().getName();
        if (ns.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        var published = client.configMaps().inNamespace(name).withName(ROOT_CERT_CONFIGMAP).get();
        if (published != null && published.getData() != null && rootCert.equals(published.getData().get("root-cert.pem"))) {
          continue;
        }
        // New, or left by an earlier run's root (a resumed sandbox cluster): istiod keeps it current.
        var configMap = new ConfigMapBuilder().withNewMetadata().withName(ROOT_CERT_CONFIGMAP)
            .withNamespace(name).addToLabels("istio.io/config", "true").endMetadata().addToData("root-cert.pem", rootCert).build();
        if (published == null) {
          client.configMaps().inNamespace(name).resource(configMap).create();
        } else {
          client.configMaps().inNamespace(name).withName(ROOT_CERT_CONFIGMAP).edit(c -> new ConfigMapBuilder(c)
              .addToData("root-cert.pem", rootCert).build());
        }
      }
    } catch (KubernetesClientException e) {
      LOG.debug("root certificate not published yet: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    autoRegistration.close();
    publisher.shutdownNow();
    servers.values().forEach(s -> s.stop(0));
    servers.clear();
    handlers.shutdownNow();
  }
}
