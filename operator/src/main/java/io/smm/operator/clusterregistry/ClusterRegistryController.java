package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster registry controller (seed 2.7.1.4; the behaviour of cisco-open/cluster-registry-controller):
 * keeps this cluster's Cluster object and the core sync rules, connects to every peer a Cluster object
 * names through its kubeconfig secret, writes each Cluster's status (Ready, or why not), and runs one
 * {@link ResourceSync} per ResourceSyncRule and peer that answers and offers the rule's
 * clusterFeatureMatch. It writes only to this cluster and only reads the peers.
 *
 * <p>One loop does all of it, on a change of a Cluster, a ResourceSyncRule or a secret of its
 * namespace and every {@code refresh} (peers are looked at then: one that stops answering goes
 * Failed with the reason and its syncs stop, its copies stay; it comes back by itself).
 */
public final class ClusterRegistryController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRegistryController.class);

  /**
   * @param namespace where the Cluster secrets and the reader account live (the ControlPlane's clusterRegistry.namespace)
   * @param localClusterName the Cluster object to provision for this cluster (the ControlPlane's clusterName), or "" for none
   * @param network this cluster's network: a Cluster's kubernetesApiEndpoints for it are used
   * @param apiServer the address peers reach this cluster's API server at, written in its kubeconfig secret
   * @param refresh how often peers are checked and everything looked at again
   * @param coreResourcesSource whether this cluster offers the core resources (Clusters, their secrets, the rules)
   */
  public record Settings(String namespace, String localClusterName, String network, String apiServer, Duration refresh,
      boolean coreResourcesSource) {}

  private final KubernetesClient local;
  private final Settings settings;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Map<String, PeerCluster> peers = new HashMap<>();
  private final Map<String, ResourceSync> syncs = new HashMap<>();
  private final Set<String> aliveIds = ConcurrentHashMap.newKeySet();
  private volatile Map<String, String> namesById = Map.of();
  private final Map<String, String> warnedRules = new HashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final AtomicLong passes = new AtomicLong();
  private volatile Set<String> runningSyncs = Set.of();
  private String localClusterId;

  public ClusterRegistryController(KubernetesClient local, Settings settings) {
    this.local = local;
    this.settings = settings;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cluster-registry");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    Namespace kubeSystem = local.namespaces().withName("kube-system").get();
    if (kubeSystem == null) {
      throw new IllegalStateException("this cluster has no kube-system namespace: its UID is the cluster ID");
    }
    localClusterId = kubeSystem.getMetadata().getUid();
    informers.add(local.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").inform(onChange(), 0));
    informers.add(local.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").inform(onChange(), 0));
    informers.add(local.secrets().inNamespace(settings.namespace()).inform(onChange(), 0));
    loop.scheduleWithFixedDelay(this::reconcileLogged, 0, settings.refresh().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** This cluster's ID (its kube-system namespace's UID). */
  public String localClusterId() {
    return localClusterId;
  }

  private <T> ResourceEventHandler<T> onChange() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        queue();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        queue();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        queue();
      }
    };
  }

  /** One pass soon; changes arriving meanwhile join it. */
  private void queue() {
    if (queued.compareAndSet(false, true)) {
      loop.execute(() -> {
        queued.set(false);
        reconcileLogged();
      });
    }
  }

  /** The syncs running now, as "rule@peer". */
  public Set<String> syncs() {
    return runningSyncs;
  }

  /** Passes made so far, done or failed. */
  public long passes() {
    return passes.get();
  }

  private void reconcileLogged() {
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      LOG.warn("cluster registry: {} (tried again in {} ms)", e.getMessage(), settings.refresh().toMillis());
    } catch (RuntimeException e) {
      LOG.warn("cluster registry: pass failed (tried again in {} ms)", settings.refresh().toMillis(), e);
    } finally {
      passes.incrementAndGet();
    }
  }

  private void reconcile() {
    String provisioning = "";
    if (!settings.localClusterName().isEmpty()) {
      provisioning = LocalCluster.ensure(local, settings.localClusterName(), localClusterId, settings.namespace(), settings.apiServer());
    }
    Map<String, List<JsonNode>> featuresByPeer = new HashMap<>();
    Set<String> named = new HashSet<>();
    Map<String, String> names = new HashMap<>();
    for (GenericKubernetesResource found : local.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").list().getItems()) {
      JsonNode cluster = Json.tree(found);
      String name = cluster.at("/metadata/name").asText();
      String id = cluster.at("/spec/clusterID").asText("");
      names.putIfAbsent(id, name);
      if (id.equals(localClusterId)) {
        CoreResources.apply(local, CoreResources.desired(cluster, settings.namespace(), settings.coreResourcesSource()));
        writeStatus(cluster, "Local", provisioning.isEmpty() ? "Ready" : "Failed", provisioning);
        continue;
      }
      if (cluster.at("/metadata/annotations").has(ClusterRegistry.CLUSTER_DISABLED)) {
        writeStatus(cluster, "Peer", "Disabled", "");
        continue;
      }
      JsonNode ref = cluster.at("/spec/authInfo/secretRef");
      if (ref.path("name").asText("").isEmpty() || ref.path("namespace").asText("").isEmpty()) {
        writeStatus(cluster, "Peer", "MissingAuthInfo", "spec.authInfo.secretRef names no secret");
        continue;
      }
      Secret secret = local.secrets().inNamespace(ref.path("namespace").asText()).withName(ref.path("name").asText()).get();
      String kubeconfig = secret == null || !ClusterRegistry.SECRET_TYPE.equals(secret.getType()) ? null
          : PeerCluster.kubeconfigOf(Json.tree(secret));
      if (kubeconfig == null) {
        String why = secret == null ? "secret " + ref.path("namespace").asText() + "/" + ref.path("name").asText() + " not found"
            : "secret " + secret.getMetadata().getName() + " is not of type " + ClusterRegistry.SECRET_TYPE + " with a "
                + ClusterRegistry.KUBECONFIG_KEY + " key";
        writeStatus(cluster, "Peer", "InvalidAuthInfo", why);
        continue;
      }
      named.add(name);
      PeerCluster peer = peers.get(name);
      if (peer == null || !peer.madeFrom(id, kubeconfig)) {
        disconnect(name);
        peer = PeerCluster.connect(name, id, kubeconfig, endpointFor(cluster));
        peers.put(name, peer);
      }
      PeerCluster.Health health = peer.check();
      if (health.alive()) {
        aliveIds.add(id);
        featuresByPeer.put(name, health.features());
      } else {
        aliveIds.remove(id);
      }
      writeStatus(cluster, "Peer", health.alive() ? "Ready" : "Failed", health.alive() ? "" : "cluster " + name + ": " + health.reason());
    }
    for (String gone : new ArrayList<>(peers.keySet())) {
      if (!named.contains(gone)) {
        disconnect(gone);
      }
    }
    namesById = Map.copyOf(names);
    runSyncs(featuresByPeer);
  }

  /** One sync per rule and live peer offering the rule's features; a changed rule or peer connection gets a new one. */
  private void runSyncs(Map<String, List<JsonNode>> featuresByPeer) {
    Map<String, SyncRule> rules = new HashMap<>();
    Map<String, JsonNode> resources = new HashMap<>();
    for (GenericKubernetesResource found : local.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").list()
        .getItems()) {
      JsonNode resource = Json.tree(found);
      try {
        SyncRule rule = SyncRule.of(resource);
        rules.put(rule.name(), rule);
        resources.put(rule.name(), resource);
      } catch (SyncRule.InvalidRule e) {
        warnOnce(resource, e.getMessage());
      }
    }
    Set<String> wanted = new HashSet<>();
    for (SyncRule rule : rules.values()) {
      for (Map.Entry<String, List<JsonNode>> peer : featuresByPeer.entrySet()) {
        if (rule.readsFrom(peer.getValue())) {
          wanted.add(syncKey(rule.name(), peer.getKey()));
        }
      }
    }
    for (String key : new ArrayList<>(syncs.keySet())) {
      ResourceSync sync = syncs.get(key);
      SyncRule now = rules.get(sync.rule().name());
      if (!wanted.contains(key) || now == null || !now.spec().equals(sync.rule().spec()) || peers.get(sync.peer().name()) != sync.peer()) {
        sync.close();
        syncs.remove(key);
      }
    }
    for (SyncRule rule : rules.values()) {
      for (String peerName : featuresByPeer.keySet()) {
        String key = syncKey(rule.name(), peerName);
        if (wanted.contains(key) && !syncs.containsKey(key)) {
          ResourceSync sync = new ResourceSync(rule, peers.get(peerName), local, localClusterId, aliveIds::contains,
              id -> namesById.getOrDefault(id, id), settings.refresh().toMillis());
          try {
            sync.start();
            syncs.put(key, sync);
          } catch (KubernetesClientException e) {
            // Typically its kind is not served here or by the peer (an Istio kind of a newer version): tried again each pass.
            sync.close();
            warnOnce(resources.get(rule.name()), "cannot sync " + rule.gvk().apiVersion() + " " + rule.gvk().kind()
                + " from cluster " + peerName + ": " + e.getMessage());
          }
        }
      }
    }
    runningSyncs = Set.copyOf(syncs.keySet());
  }

  private static String syncKey(String rule, String peer) {
    return rule + "@" + peer;
  }

  private JsonNode endpointFor(JsonNode cluster) {
    JsonNode any = null;
    for (JsonNode e : cluster.at("/spec/kubernetesApiEndpoints")) {
      String network = e.path("clientNetwork").asText("");
      if (network.equals(settings.network())) {
        return e;
      }
      if (network.isEmpty() && any == null) {
        any = e;
      }
    }
    return any;
  }

  private void disconnect(String peerName) {
    PeerCluster peer = peers.remove(peerName);
    if (peer == null) {
      return;
    }
    aliveIds.remove(peer.clusterId());
    syncs.values().removeIf(s -> {
      if (s.peer() == peer) {
        s.close();
        return true;
      }
      return false;
    });
    peer.close();
  }

  /** The Cluster's status as cluster_types.go has it, written only when it changes (no heartbeat churn). */
  private void writeStatus(JsonNode cluster, String type, String state, String message) {
    JsonNode old = cluster.path("status");
    ObjectNode status = Json.object().put("state", state).put("type", type);
    if (!message.isEmpty()) {
      status.put("message", message);
    }
    ArrayNode conditions = status.putArray("conditions");
    conditions.add(condition(old, "LocalCluster", "Local".equals(type), type.equals("Local") ? "LocalCluster" : "PeerCluster", ""));
    boolean ready = "Ready".equals(state);
    conditions.add(condition(old, "Ready", ready, ready ? "ClusterReady" : state, message));
    if ("Peer".equals(type)) {
      conditions.add(condition(old, "ClustersSynced", ready, ready ? "Synced" : "SyncFailed", message));
    }
    if (status.equals(old)) {
      return;
    }
    ObjectNode updated = ((ObjectNode) cluster).deepCopy();
    updated.set("status", status);
    try {
      local.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").resource(Json.resource(updated)).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
      queue(); // changed or gone meanwhile: look again
    }
  }

  /** A condition; its lastTransitionTime kept while its status stays. */
  private static ObjectNode condition(JsonNode oldStatus, String type, boolean value, String reason, String message) {
    String status = value ? "True" : "False";
    String since = Instant.now().toString();
    for (JsonNode c : oldStatus.path("conditions")) {
      if (type.equals(c.path("type").asText()) && status.equals(c.path("status").asText())) {
        since = c.path("lastTransitionTime").asText(since);
      }
    }
    ObjectNode c = Json.object().put("type", type).put("status", status).put("lastTransitionTime", since).put("reason", reason);
    if (!message.isEmpty()) {
      c.put("message", message);
    }
    return c;
  }

  /** A rule that cannot be followed is reported once per version and reason as a Warning event on it (kubectl describe rsr shows it). */
  private void warnOnce(JsonNode rule, String message) {
    String name = rule.at("/metadata/name").asText();
    String version = rule.at("/metadata/resourceVersion").asText();
    if (version.equals(warnedRules.put(name + "\n" + message, version))) {
      return;
    }
    LOG.warn("ResourceSyncRule {} is not followed: {}", name, message);
    try {
      local.v1().events().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.EventBuilder()
          .withNewMetadata().withGenerateName(name + ".").endMetadata()
          .withNewInvolvedObject().withApiVersion(ClusterRegistry.API_VERSION).withKind("ResourceSyncRule").withName(name)
          .withUid(rule.at("/metadata/uid").asText()).endInvolvedObject()
          .withType("Warning").withReason("InvalidRule").withMessage(message).withCount(1)
          .withFirstTimestamp(Instant.now().toString()).withLastTimestamp(Instant.now().toString())
          .withNewSource().withComponent("cluster-registry-controller").endSource().build()).create();
    } catch (KubernetesClientException e) {
      LOG.debug("could not record the event", e);
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    informers.forEach(SharedIndexInformer::close);
    new ArrayList<>(peers.keySet()).forEach(this::disconnect);
  }
}
