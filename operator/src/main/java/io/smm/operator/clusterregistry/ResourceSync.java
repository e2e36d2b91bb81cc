package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ResourceSyncRule against one peer (sync_reconciler.go): watches the rule's kind on the peer and
 * the copies here, and makes each matching peer object's copy current — created, updated when it
 * differs (a change made here is synced back), deleted when the source goes. Who may write a copy is
 * decided by its owner (the cluster ID it carries): an object without one is this cluster's own and
 * never touched; a copy owned by another live peer is that peer's sync's; an object on the peer owned
 * by this cluster is a copy of ours and never copied back, so two rules syncing both ways do not
 * ping-pong.
 */
final class ResourceSync implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceSync.class);

  /** An object's namespace ("" when cluster-scoped) and name. */
  record Key(String namespace, String name) {
    static Key of(JsonNode object) {
      return new Key(object.at("/metadata/namespace").asText(""), object.at("/metadata/name").asText());
    }

    String storeKey() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }
  }

  private final SyncRule rule;
  private final PeerCluster peer;
  private final KubernetesClient local;
  private final String localClusterId;
  private final Predicate<String> aliveClusterId;
  private final Function<String, String> clusterNames;
  private final long resyncMillis;
  private final ExecutorService worker;
  private final Set<Key> pending = new LinkedHashSet<>();
  private SharedIndexInformer<GenericKubernetesResource> peerInformer;
  private SharedIndexInformer<GenericKubernetesResource> localInformer;

  /**
   * @param aliveClusterId whether a cluster ID is a peer that answers now (its copies are its own sync's)
   * @param clusterNames a cluster's name (its Cluster's) from its ID, for the rules' override templates
   * @param resyncMillis how often every object is looked at again besides the watch events (a copy
   *     whose namespace was missing, a write that failed); at least a second (fabric8's floor)
   */
  ResourceSync(SyncRule rule, PeerCluster peer, KubernetesClient local, String localClusterId, Predicate<String> aliveClusterId,
      Function<String, String> clusterNames, long resyncMillis) {
    this.rule = rule;
    this.peer = peer;
    this.local = local;
    this.localClusterId = localClusterId;
    this.aliveClusterId = aliveClusterId;
    this.clusterNames = clusterNames;
    this.resyncMillis = Math.max(1_000, resyncMillis);
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cluster-registry-sync-" + rule.name() + "-" + peer.name());
      t.setDaemon(true);
      return t;
    });
  }

  SyncRule rule() {
    return rule;
  }

  PeerCluster peer() {
    return peer;
  }

  void start() {
    // Informers made first and started after: their first events come before inform() would return.
    peerInformer = peer.client().genericKubernetesResources(rule.gvk().apiVersion(), rule.gvk().kind()).inAnyNamespace()
        .runnableInformer(resyncMillis);
    peerInformer.addEventHandler(handler(o -> enqueue(Key.of(o))));
    // The copies here: a changed or deleted copy of this peer's object is synced back.
    localInformer = local.genericKubernetesResources(rule.localGvk().apiVersion(), rule.localGvk().kind()).inAnyNamespace()
        .runnableInformer(0);
    localInformer.addEventHandler(handler(o -> {
      if (peer.clusterId().equals(owner(o))) {
        enqueue(sourceKey(o));
      }
    }));
    peerInformer.start();
    localInformer.start();
  }

  private static ResourceEventHandler<GenericKubernetesResource> handler(Consumer<JsonNode> changed) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        changed.accept(Json.tree(obj));
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        changed.accept(Json.tree(newObj));
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
        changed.accept(Json.tree(obj));
      }
    };
  }

  private void enqueue(Key key) {
    synchronized (pending) {
      if (!pending.add(key)) {
        return;
      }
    }
    worker.execute(() -> {
      synchronized (pending) {
        pending.remove(key);
      }
      try {
        sync(key);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          // Written meanwhile (another rule copying the same object, a user): look again with what is there now.
          enqueue(key);
          return;
        }
        // The next event or resync tries again; the copy stays as it was.
        LOG.warn("ResourceSyncRule {}: could not sync {} from cluster {}: {}", rule.name(), key.storeKey(), peer.name(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("ResourceSyncRule {}: could not sync {} from cluster {}", rule.name(), key.storeKey(), peer.name(), e);
      }
    });
  }

  private void sync(Key key) {
    GenericKubernetesResource found = peerInformer.getStore().getByKey(key.storeKey());
    if (found == null || found.getMetadata().getDeletionTimestamp() != null) {
      deleteCopy(key);
      return;
    }
    JsonNode source = Json.tree(found);
    List<JsonNode> matched = rule.matching(source);
    String sourceOwner = owner(source);
    if (matched.isEmpty() || localClusterId.equals(sourceOwner)) {
      return;
    }
    ObjectNode copy = SyncedCopy.of(source, matched, rule.localGvk(), peer.clusterId(), clusterNames, clusterNames.apply(localClusterId));
    Key target = Key.of(copy);
    if (!target.namespace().isEmpty() && local.namespaces().withName(target.namespace()).get() == null) {
      LOG.info("ResourceSyncRule {}: {} from cluster {} waits for namespace {} here", rule.name(), key.storeKey(), peer.name(),
          target.namespace());
      return;
    }
    boolean withStatus = matched.stream().anyMatch(r -> r.at("/mutations/syncStatus").asBoolean(false));
    GenericKubernetesResource current = localObject(target).get();
    if (current == null) {
      if (copy.at("/metadata/annotations").has(ClusterRegistry.SYNC_DISABLED) || aliveOther(sourceOwner) || !peerRegistered()) {
        return;
      }
      ObjectNode created = copy.deepCopy();
      created.remove("status");
      GenericKubernetesResource written = kind().resource(Json.resource(created)).create();
      LOG.info("ResourceSyncRule {}: created {} from {} of cluster {}", rule.name(), target.storeKey(), key.storeKey(), peer.name());
      if (withStatus && copy.has("status")) {
        writeStatus(written, copy);
      }
      return;
    }
    JsonNode here = Json.tree(current);
    String currentOwner = owner(here);
    if (here.at("/metadata/annotations").has(ClusterRegistry.SYNC_DISABLED) || currentOwner.isEmpty() || aliveOther(currentOwner)) {
      return;
    }
    if (!SyncedCopy.isCurrent(here, copy, false) && peerRegistered()) {
      ObjectNode updated = copy.deepCopy();
      updated.remove("status");
      ((ObjectNode) updated.path("metadata")).put("resourceVersion", current.getMetadata().getResourceVersion());
      keepAssigned(here, updated);
      current = kind().resource(Json.resource(updated)).update();
      LOG.info("ResourceSyncRule {}: updated {} from {} of cluster {}", rule.name(), target.storeKey(), key.storeKey(), peer.name());
    }
    if (withStatus && copy.has("status") && !copy.path("status").equals(Json.tree(current).path("status"))) {
      writeStatus(current, copy);
    }
  }

  /** Deletes the copy of an object the peer no longer has, unless it is not this peer's copy. */
  private void deleteCopy(Key key) {
    GenericKubernetesResource current = copyOf(key);
    if (current == null) {
      return;
    }
    String owner = owner(Json.tree(current));
    if (owner.isEmpty() || !owner.equals(peer.clusterId()) && aliveClusterId.test(owner)) {
      return;
    }
    kind().resource(current).delete();
    LOG.info("ResourceSyncRule {}: deleted {}, gone from cluster {}", rule.name(), Key.of(Json.tree(current)).storeKey(), peer.name());
  }

  /** The copy here of the peer's object {@code key}: by name, or by the labels a renamed copy carries. */
  private GenericKubernetesResource copyOf(Key key) {
    if (!rule.renames()) {
      return localObject(key).get();
    }
    var candidates = kind().inAnyNamespace().withLabel(SyncedCopy.ORIGINAL_NAME, key.name())
        .withLabel(ClusterRegistry.OWNER_CLUSTER_ID, peer.clusterId()).list().getItems();
    for (GenericKubernetesResource c : candidates) {
      if (key.equals(sourceKey(Json.tree(c)))) {
        return c;
      }
    }
    // Renamed by a template that left this object's name as it was.
    GenericKubernetesResource same = localObject(key).get();
    boolean renamedOther = same != null && same.getMetadata().getLabels() != null
        && same.getMetadata().getLabels().containsKey(SyncedCopy.ORIGINAL_NAME);
    return same == null || renamedOther ? null : same;
  }

  /** The peer's object a copy here was made from. */
  private static Key sourceKey(JsonNode copy) {
    JsonNode labels = copy.at("/metadata/labels");
    Key own = Key.of(copy);
    return new Key(labels.has(SyncedCopy.ORIGINAL_NAMESPACE) ? labels.path(SyncedCopy.ORIGINAL_NAMESPACE).asText() : own.namespace(),
        labels.has(SyncedCopy.ORIGINAL_NAME) ? labels.path(SyncedCopy.ORIGINAL_NAME).asText() : own.name());
  }

  /** A copy owned by another peer that answers now is that peer's sync's to write. */
  private boolean aliveOther(String owner) {
    return !owner.isEmpty() && !owner.equals(peer.clusterId()) && aliveClusterId.test(owner);
  }

  /**
   * Whether the peer's Cluster is still registered here, read just before a write: a detach deletes
   * it and then the copies, and this sync, until the controller's next pass stops it, would otherwise
   * sync a deleted copy back.
   */
  private boolean peerRegistered() {
    GenericKubernetesResource cluster = local.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withName(peer.name()).get();
    return cluster != null && cluster.getMetadata().getDeletionTimestamp() == null
        && peer.clusterId().equals(Json.tree(cluster).at("/spec/clusterID").asText());
  }

  private void writeStatus(GenericKubernetesResource written, JsonNode copy) {
    ObjectNode withStatus = Json.tree(written);
    withStatus.set("status", copy.path("status"));
    kind().resource(Json.resource(withStatus)).updateStatus();
  }

  /** Fields the local API server assigned to the copy, kept on update (a Service's cluster IPs are immutable). */
  private static void keepAssigned(JsonNode current, ObjectNode updated) {
    if (updated.path("spec").isObject()) {
      for (String field : List.of("clusterIP", "clusterIPs")) {
        if (current.at("/spec/" + field).isValueNode() || current.at("/spec/" + field).isArray()) {
          ((ObjectNode) updated.get("spec")).set(field, current.at("/spec/" + field));
        }
      }
    }
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> kind() {
    return local.genericKubernetesResources(rule.localGvk().apiVersion(), rule.localGvk().kind());
  }

  private Resource<GenericKubernetesResource> localObject(Key key) {
    return key.namespace().isEmpty() ? kind().withName(key.name()) : kind().inNamespace(key.namespace()).withName(key.name());
  }

  private static String owner(JsonNode object) {
    return object.at("/metadata/annotations").path(ClusterRegistry.OWNER_CLUSTER_ID).asText("");
  }

  @Override
  public void close() {
    if (peerInformer != null) {
      peerInformer.close();
    }
    if (localInformer != null) {
      localInformer.close();
    }
    worker.shutdownNow();
  }
}
