package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's WorkloadEntry auto-registration and health checks (PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION,
 * ..._HEALTHCHECKS; seed 2.9.5): a VM's proxy connects with its service account token and its
 * metadata (ISTIO_META_AUTO_REGISTER_GROUP, network, labels); istiod checks the token with a
 * TokenReview against the WorkloadGroup's service account, creates the WorkloadEntry as Istio
 * names and labels it ({@code <group>-<ip>-<network>}, owned by the group, annotated with the
 * group, connection time and controller), writes the Healthy condition the proxy's probe reports,
 * and deletes the entry when the proxy disconnects. One address is one VM: a second proxy with the
 * address of a connected one is refused. istiod's CA signs the certificate signing request the
 * proxy sends with its hello, for the workload the token authenticated (its mTLS identity).
 *
 * <p>Not simulated: xDS itself. The stand-in's wire is one JSON line per message on a plain TCP
 * connection (hello, then health reports), where istiod speaks gRPC ADS over mTLS.
 */
public final class WorkloadAutoRegistration implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadAutoRegistration.class);
  static final String WG_API = "networking.istio.io/v1beta1";

  private final KubernetesClient client;
  private final Supplier<String> controller;
  private final MeshCa ca;
  private final RemoteProxies remoteProxies;
  private final ServerSocket server;
  private final ExecutorService connections = Executors.newCachedThreadPool(DaemonThreads.named("istiod-autoregistration"));
  /** Connected proxies by WorkloadEntry (namespace/name). */
  private final Map<String, Socket> connected = new ConcurrentHashMap<>();

  /**
   * @param controller the istiod instance that records itself in istio.io/workloadController (its pod's name)
   * @param ca the mesh's CA, which certifies the proxies
   */
  public WorkloadAutoRegistration(KubernetesClient client, Supplier<String> controller, MeshCa ca) {
    this(client, controller, ca, null);
  }

  /** @param remoteProxies what answers the proxies of remote clusters on the same port (null: they are not served) */
  WorkloadAutoRegistration(KubernetesClient client, Supplier<String> controller, MeshCa ca, RemoteProxies remoteProxies) {
    this.client = client;
    this.controller = controller;
    this.ca = ca;
    this.remoteProxies = remoteProxies;
    try {
      server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    connections.submit(this::accept);
  }

  /** Where proxies connect (what the meshexpansion gateway's 15012 forwards to). */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.submit(() -> serve(s));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("auto-registration accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(Socket socket) {
    String entry = null;
    try (socket) {
      socket.setSoTimeout(60_000); // a proxy reports its health every few seconds; silence is a dead proxy
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String hello = in.readLine();
      if (hello == null) {
        return;
      }
      JsonNode request = Serialization.jsonMapper().readTree(hello);
      if (remoteProxies != null && RemoteProxies.handles(request)) {
        reply(out, remoteProxies.answer(request));
        return;
      }
      Registration r;
      Map<String, String> answer = new LinkedHashMap<>();
      try {
        r = register(request);
        if (request.path("csr").isTextual()) {
          answer.put("certificateChain", MeshCa.pem(ca.sign(request.path("csr").asText(), r.namespace(), r.serviceAccount())));
          answer.put("rootCert", ca.rootPem());
        }
      } catch (RegistrationRefused | IllegalArgumentException e) {
        reply(out, Map.of("error", e.getMessage()));
        return;
      }
      entry = r.namespace() + "/" + r.name();
      if (connected.putIfAbsent(entry, socket) != null) {
        reply(out, Map.of("error", "address " + r.address() + " is already registered as WorkloadEntry " + entry
            + " by another connected proxy: two VMs cannot share an address"));
        entry = null;
        return;
      }
      create(r);
      answer.put("workloadEntry", entry);
      reply(out, answer);
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode health = Serialization.jsonMapper().readTree(line);
        if (!groupExists(r)) {
          reply(out, Map.of("error", "WorkloadGroup " + r.namespace() + "/" + r.group() + " was deleted: this VM is no longer in the mesh"));
          return;
        }
        health(r, health.path("healthy").asBoolean(false), health.path("message").asText(""));
      }
    } catch (SocketTimeoutException e) {
      LOG.info("proxy of {} stopped reporting: disconnected", entry);
    } catch (IOException | RuntimeException e) {
      LOG.debug("auto-registration connection ended: {}", e.getMessage());
    } finally {
      if (entry != null && connected.remove(entry, socket)) {
        deregister(entry);
      }
    }
  }

  /** A proxy istiod accepted: the entry it stands for. */
  record Registration(String namespace, String group, String name, String address, String network, String hostname,
      String serviceAccount, Map<String, String> labels, Map<String, Integer> ports, GenericKubernetesResource workloadGroup) {}

  private static final class RegistrationRefused extends Exception {
    RegistrationRefused(String message) {
      super(message);
    }
  }

  private Registration register(JsonNode hello) throws RegistrationRefused {
    JsonNode meta = hello.path("metadata");
    String namespace = meta.path("POD_NAMESPACE").asText("");
    String group = meta.path("ISTIO_META_AUTO_REGISTER_GROUP").asText("");
    String address = hello.path("ip").asText("");
    if (namespace.isEmpty() || group.isEmpty() || address.isEmpty()) {
      throw new RegistrationRefused("auto-registration needs POD_NAMESPACE, ISTIO_META_AUTO_REGISTER_GROUP and the proxy's IP");
    }
    var review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec()
        .withToken(hello.path("token").asText("")).endSpec().build());
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      throw new RegistrationRefused("authentication failed: the token was not accepted by the Kubernetes API");
    }
    GenericKubernetesResource wg = client.genericKubernetesResources(WG_API, "WorkloadGroup").inNamespace(namespace).withName(group).get();
    if (wg == null) {
      throw new RegistrationRefused("cannot find WorkloadGroup " + namespace + "/" + group);
    }
    JsonNode spec = Serialization.jsonMapper().valueToTree(wg.getAdditionalProperties().get("spec"));
    String account = spec.at("/template/serviceAccount").asText("default");
    String user = review.getStatus().getUser().getUsername();
    if (!("system:serviceaccount:" + namespace + ":" + account).equals(user)) {
      throw new RegistrationRefused("the proxy authenticated as " + user + ", but WorkloadGroup " + namespace + "/" + group
          + " runs as service account " + account);
    }
    String network = spec.at("/template/network").asText(meta.path("ISTIO_META_NETWORK").asText(""));
    Map<String, String> labels = new LinkedHashMap<>();
    spec.at("/metadata/labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    spec.at("/template/labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    try {
      JsonNode proxyLabels = Serialization.jsonMapper().readTree(meta.path("ISTIO_METAJSON_LABELS").asText("{}"));
      proxyLabels.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      throw new RegistrationRefused("ISTIO_METAJSON_LABELS is not a JSON object: " + e.getMessage());
    }
    String hostname = hello.path("hostname").asText("");
    if (!hostname.isEmpty()) {
      labels.put("hostname", hostname);
    }
    String revision = hello.path("revision").asText("");
    if (!revision.isEmpty()) {
      labels.put("istio.io/rev", revision);
    }
    if (!network.isEmpty()) {
      labels.put("topology.istio.io/network", network);
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    spec.at("/template/ports").fields().forEachRemaining(e -> ports.put(e.getKey(), e.getValue().asInt()));
    String name = group + "-" + address + (network.isEmpty() ? "" : "-" + network);
    return new Registration(namespace, group, name, address, network, hostname, account, labels, ports, wg);
  }

  private void create(Registration r) {
    var entry = new GenericKubernetesResourceBuilder().withApiVersion(WG_API).withKind("WorkloadEntry")
        .withNewMetadata().withName(r.name()).withNamespace(r.namespace()).withLabels(r.labels())
        .addToAnnotations("istio.io/autoRegistrationGroup", r.group())
        .addToAnnotations("istio.io/connectedAt", Instant.now().toString())
        .addToAnnotations("istio.io/workloadController", controller.get())
        .addNewOwnerReference().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup").withName(r.group())
        .withUid(r.workloadGroup().getMetadata().getUid()).withController(true).endOwnerReference()
        .endMetadata().build();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("address", r.address());
    spec.put("labels", r.labels());
    if (!r.ports().isEmpty()) {
      spec.put("ports", r.ports());
    }
    if (!r.network().isEmpty()) {
      spec.put("network", r.network());
    }
    spec.put("serviceAccount", r.serviceAccount());
    entry.setAdditionalProperty("spec", spec);
    var entries = client.genericKubernetesResources(WG_API, "WorkloadEntry").inNamespace(r.namespace());
    // A leftover of an earlier connection of this proxy (istiod restarted) is taken over.
    entries.withName(r.name()).delete();
    entries.resource(entry).create();
    LOG.info("auto-registered WorkloadEntry {}/{} for {}", r.namespace(), r.name(), r.address());
  }

  private boolean groupExists(Registration r) {
    return client.genericKubernetesResources(WG_API, "WorkloadGroup").inNamespace(r.namespace()).withName(r.group()).get() != null;
  }

  /** The Healthy condition, rewritten only when it changes (its probe time moves with each transition, as istiod batches them). */
  private void health(Registration r, boolean healthy, String message) {
    var entries = client.genericKubernetesResources(WG_API, "WorkloadEntry").inNamespace(r.namespace()).withName(r.name());
    GenericKubernetesResource current = entries.get();
    if (current == null) {
      return;
    }
    JsonNode status = Serialization.jsonMapper().valueToTree(current.getAdditionalProperties().getOrDefault("status", Map.of()));
    String want = healthy ? "True" : "False";
    for (JsonNode c : status.path("conditions")) {
      if ("Healthy".equals(c.path("type").asText()) && want.equals(c.path("status").asText())) {
        return;
      }
    }
    String now = Instant.now().toString();
    ObjectNode condition = Serialization.jsonMapper().createObjectNode().put("type", "Healthy").put("status", want)
        .put("lastProbeTime", now).put("lastTransitionTime", now);
    if (!healthy && !message.isEmpty()) {
      condition.put("message", message);
    }
    current.setAdditionalProperty("status", Map.of("conditions", List.of(Serialization.jsonMapper().convertValue(condition, Map.class))));
    try {
      entries.updateStatus(current);
    } catch (KubernetesClientException e) {
      LOG.debug("health of {}/{} not written: {}", r.namespace(), r.name(), e.getMessage());
    }
  }

  private void deregister(String entry) {
    String[] parts = entry.split("/", 2);
    try {
      client.genericKubernetesResources(WG_API, "WorkloadEntry").inNamespace(parts[0]).withName(parts[1]).delete();
      LOG.info("proxy disconnected: WorkloadEntry {} removed", entry);
    } catch (KubernetesClientException e) {
      LOG.warn("WorkloadEntry {} not removed: {}", entry, e.getMessage());
    }
  }

  private static void reply(OutputStream out, Map<String, ?> message) throws IOException {
    out.write((Serialization.asJson(message) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    connected.values().forEach(s -> {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    });
    connections.shutdownNow();
  }
}
