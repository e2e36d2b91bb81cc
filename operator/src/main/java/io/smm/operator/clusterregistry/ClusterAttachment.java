package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.components.CrdsComponent;
import io.smm.operator.istio.IstioControlPlaneReconciler;
import io.smm.operator.istio.PeerControlPlanes;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.CustomKinds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * `smm istio cluster attach` and `detach` at the cluster registry's level (seed 2.7.1.2, 2.7.1.3):
 * the peer gets the registry's kinds, its own Cluster with a reader kubeconfig, and the primary's
 * Cluster; the primary gets the peer's — the exchange of the manual's GitOps guide, after which
 * the controllers form the group. Every object attach makes is labelled with who made it, so that
 * detach removes exactly those, on both sides, with the copies each side's sync made from the other.
 *
 * <p>A chain of steps, each safe to repeat: the peer is checked before anything is written, and an
 * attach that stopped half-way converges when run again.
 */
public final class ClusterAttachment {

  /** The label on everything attach creates; its value is the primary's cluster name. */
  public static final String ATTACHED_BY = "clusterregistry.smm.cisco.com/attached-by";
  public static final String NAMESPACE = "cluster-registry";

  /** A cluster as the CLI reaches it: a client, the name it has in the group, and the API server address its peers use. */
  public record Member(KubernetesClient client, String name, String apiServer) {}

  /** Attach refused or failed, with the reason a user can act on. */
  public static final class AttachException extends RuntimeException {
    public AttachException(String message) {
      super(message);
    }
  }

  private final Member primary;
  private final Member peer;
  private final Consumer<String> progress;
  private final Duration timeout;

  public ClusterAttachment(Member primary, Member peer, Consumer<String> progress, Duration timeout) {
    this.primary = primary;
    this.peer = peer;
    this.progress = progress;
    this.timeout = timeout;
  }

  /**
   * Everything attach checks before it writes: both clusters answer, the peer is not the primary and
   * its name is not another cluster's.
   *
   * @return whether the peer is attached already
   */
  public boolean check() {
    String peerId = reach(peer);
    String primaryId = reach(primary);
    if (peerId.equals(primaryId)) {
      throw new AttachException("cluster " + peer.name() + " is the primary cluster itself (same kube-system UID " + peerId + ")");
    }
    GenericKubernetesResource existing = cluster(primary.client(), peer.name());
    if (existing != null && !peerId.equals(clusterId(existing))) {
      throw new AttachException("a different cluster is attached as " + peer.name() + " (cluster ID " + clusterId(existing)
          + "); choose another name with --name");
    }
    return existing != null && cluster(peer.client(), primary.name()) != null
        && secret(primary.client(), peer.name()) != null && secret(peer.client(), primary.name()) != null;
  }

  /** @return false when the peer was attached already (nothing written) */
  public boolean attach() throws InterruptedException {
    if (check()) {
      return false;
    }
    String peerId = reach(peer);
    String primaryId = reach(primary);
    progress.accept("installing the cluster registry's resource kinds on " + peer.name());
    // As the install's CRDs step owns them (the same labels and hash, so neither rewrites the other); a CRD someone
    // else installed (Cisco's chart) is used as it is. Replacing one the install owns would strip its labels, and the
    // peer's next reconcile would refuse it as foreign.
    ResourceApplier applier = new ResourceApplier(peer.client());
    for (SmmCrds.Kind kind : List.of(SmmCrds.CLUSTER, SmmCrds.CLUSTER_FEATURE, SmmCrds.RESOURCE_SYNC_RULE)) {
      applier.apply(new DesiredResource(SmmCrds.crd(kind), true, true), CrdsComponent.NAME, "ControlPlane/smm");
    }
    Map<String, String> label = Map.of(ATTACHED_BY, primary.name());
    progress.accept("registering " + peer.name() + " and its reader credentials");
    register(peer, peerId, label);
    progress.accept("registering " + primary.name() + " and its reader credentials");
    register(primary, primaryId, Map.of());
    progress.accept("exchanging the Cluster resources of " + primary.name() + " and " + peer.name());
    copy(primary, peer, label);
    copy(peer, primary, label);
    progress.accept("waiting for " + primary.name() + " to reach " + peer.name() + " through the cluster registry");
    awaitReady();
    meshNetworks();
    return true;
  }

  /**
   * The Istio half, which the istio-operator does as the copies come and go: each side's control
   * planes report their cluster and meshexpansion gateway addresses in status, which the registry
   * copies to the other side (PeerIstioControlPlane); once each side has the other's with its
   * gateway, each renders its mesh networks from them, and istiod reaches the other network through
   * that gateway. Nothing to do where a side runs no Istio control plane.
   */
  private void meshNetworks() throws InterruptedException {
    List<GenericKubernetesResource> primaryPlanes = reconcileIstio(primary);
    List<GenericKubernetesResource> peerPlanes = reconcileIstio(peer);
    if (primaryPlanes.isEmpty() || peerPlanes.isEmpty()) {
      return;
    }
    progress.accept("waiting for the control planes' gateway addresses to reach the other cluster");
    long deadline = System.nanoTime() + timeout.toNanos();
    // Each side's control planes are reconciled again while waiting, as the istio-operator's next passes would: a control
    // plane reports its gateway's address only while the gateway is Available, and a rollout of the gateway (its mesh
    // config changed) can have emptied it in the last pass.
    while (!hasPeerGateway(primary, primaryPlanes, peer.name()) || !hasPeerGateway(peer, peerPlanes, primary.name())) {
      if (System.nanoTime() > deadline) {
        throw new AttachException("the meshexpansion gateway addresses of " + primary.name() + " and " + peer.name()
            + " did not reach the other cluster within " + timeout.toSeconds() + " s (IstioControlPlane status.gatewayAddress, copied as "
            + "PeerIstioControlPlane); is each meshexpansion gateway Available? (run attach again once they are)");
      }
      Thread.sleep(1000);
      reconcileIstio(primary);
      reconcileIstio(peer);
    }
    progress.accept("rendering the mesh networks of " + primary.name() + " and " + peer.name());
    // Rendered again until each side's mesh networks have a gateway for every network, for the same reason.
    while (true) {
      boolean complete = everyNetworkHasAGateway(primary) && everyNetworkHasAGateway(peer);
      reconcileIstio(primary);
      reconcileIstio(peer);
      if (complete && everyNetworkHasAGateway(primary) && everyNetworkHasAGateway(peer)) {
        return; // rendered from complete networks, which are still complete
      }
      if (System.nanoTime() > deadline) {
        throw new AttachException("the mesh networks of " + primary.name() + " and " + peer.name() + " still lack a network's gateway"
            + " after " + timeout.toSeconds() + " s; is each meshexpansion gateway Available? (run attach again once they are)");
      }
      Thread.sleep(1000);
    }
  }

  /** Whether the mesh networks the member's control planes would be rendered with now list a gateway for every network. */
  private static boolean everyNetworkHasAGateway(Member m) {
    for (GenericKubernetesResource icp : m.client().genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inAnyNamespace().list().getItems()) {
      JsonNode networks = PeerControlPlanes.context(m.client(), icp).meshNetworks().path("networks");
      for (JsonNode network : networks) {
        if (network.path("gateways").isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether each of the member's control planes has the other cluster's copy of itself with a gateway address. */
  private static boolean hasPeerGateway(Member m, List<GenericKubernetesResource> planes, String otherCluster) {
    return planes.stream().allMatch(icp -> PeerControlPlanes.peers(m.client(), icp).stream().map(Json::tree)
        .anyMatch(p -> otherCluster.equals(p.at("/status/clusterID").asText()) && !p.at("/status/gatewayAddress").isEmpty()));
  }

  /** Reconciles the member's IstioControlPlanes as the istio-operator would now; returns them. */
  private static List<GenericKubernetesResource> reconcileIstio(Member m) {
    if (!CustomKinds.installed(m.client(), SmmCrds.ISTIO_CONTROL_PLANE)) {
      return List.of();
    }
    return new IstioControlPlaneReconciler(m.client(), new ResourceApplier(m.client())).reconcileAll().stream()
        .map(IstioControlPlaneReconciler.Reconciled::icp).toList();
  }

  /**
   * Removes what attach created on both sides and the copies each side synced from the other.
   *
   * @return false when the peer was not attached (nothing to remove)
   */
  public boolean detach() {
    String peerId = reach(peer);
    String primaryId = clusterIdOf(primary.client());
    GenericKubernetesResource registered = cluster(primary.client(), peer.name());
    if (registered != null && !peerId.equals(clusterId(registered))) {
      throw new AttachException(peer.name() + " in " + primary.name() + " is another cluster (cluster ID " + clusterId(registered)
          + "), not the one this kubeconfig reaches");
    }
    if (registered == null && cluster(peer.client(), primary.name()) == null && labelled(peer.client()).isEmpty()) {
      return false;
    }
    progress.accept("removing " + peer.name() + " from " + primary.name());
    delete(primary.client(), peer.name());
    dropCopies(primary.client(), peerId);
    progress.accept("removing " + primary.name() + " and the cluster registry's credentials from " + peer.name());
    delete(peer.client(), primary.name());
    dropCopies(peer.client(), primaryId);
    for (HasMetadata made : labelled(peer.client())) {
      peer.client().resource(made).delete();
    }
    // The other side's control planes are gone from each side's mesh networks.
    reconcileIstio(primary);
    reconcileIstio(peer);
    return true;
  }

  private void register(Member m, String id, Map<String, String> labels) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String waiting = LocalCluster.ensure(m.client(), m.name(), id, NAMESPACE, m.apiServer(), labels);
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AttachException("cluster " + m.name() + ": " + waiting + " (Kubernetes' token controller fills it)");
      }
      Thread.sleep(500);
    }
  }

  /** `kubectl get cluster X -o yaml | kubectl apply -f -` and its secret, labelled as attach's. */
  private static void copy(Member from, Member to, Map<String, String> label) {
    GenericKubernetesResource cluster = cluster(from.client(), from.name());
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(ClusterRegistry.API_VERSION);
    copy.setKind("Cluster");
    copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(from.name()).withLabels(label).build());
    copy.setAdditionalProperty("spec", cluster.getAdditionalProperties().get("spec"));
    var clusters = to.client().genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster");
    if (clusters.withName(from.name()).get() == null) {
      clusters.resource(copy).create();
    }
    Secret secret = secret(from.client(), from.name());
    Secret secretCopy = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(from.name()).withNamespace(NAMESPACE)
        .withLabels(label).endMetadata().withType(secret.getType()).withData(secret.getData()).build();
    Secret there = secret(to.client(), from.name());
    if (there == null) {
      to.client().secrets().inNamespace(NAMESPACE).resource(secretCopy).create();
    } else if (!secret.getData().equals(there.getData())) {
      to.client().secrets().inNamespace(NAMESPACE).resource(secretCopy).update();
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      GenericKubernetesResource c = cluster(primary.client(), peer.name());
      JsonNode status = Json.tree(c).path("status");
      if ("Ready".equals(status.path("state").asText())) {
        return;
      }
      String now = status.path("state").asText("") + " " + status.path("message").asText("");
      if (!now.isBlank() && !now.equals(last)) {
        progress.accept("  " + peer.name() + ": " + now.strip());
        last = now;
      }
      Thread.sleep(500);
    }
    throw new AttachException(last.isBlank()
        ? "no cluster registry controller reported on " + peer.name() + " in " + primary.name() + " within " + timeout.toSeconds()
            + " s: is the ControlPlane's clusterRegistry component enabled? (run attach again once it is)"
        : "cluster " + peer.name() + " is not Ready in " + primary.name() + ": " + last.strip() + " (run attach again when it is fixed)");
  }

  /** The peer's kube-system UID; one clear error when it cannot be read. */
  private static String reach(Member m) {
    try {
      return clusterIdOf(m.client());
    } catch (KubernetesClientException e) {
      throw new AttachException("cannot reach cluster " + m.name() + ": " + PeerCluster.reason(e));
    }
  }

  private static String clusterIdOf(KubernetesClient client) {
    Namespace kubeSystem = client.namespaces().withName("kube-system").get();
    if (kubeSystem == null) {
      throw new AttachException("the cluster at " + client.getMasterUrl() + " has no kube-system namespace (its UID is the cluster ID)");
    }
    return kubeSystem.getMetadata().getUid();
  }


  private static GenericKubernetesResource cluster(KubernetesClient client, String name) {
    if (!CustomKinds.installed(client, SmmCrds.CLUSTER)) {
      return null; // the kind is not installed there (yet)
    }
    return client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withName(name).get();
  }

  private static String clusterId(GenericKubernetesResource cluster) {
    return Json.tree(cluster).at("/spec/clusterID").asText("");
  }

  private static Secret secret(KubernetesClient client, String name) {
    return client.secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private static void delete(KubernetesClient client, String clusterName) {
    if (cluster(client, clusterName) != null) {
      client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withName(clusterName).delete();
    }
    client.secrets().inNamespace(NAMESPACE).withName(clusterName).delete();
  }

  /** The copies a side's sync made of the other's objects (they carry its cluster ID), for every kind a rule there syncs. */
  private static void dropCopies(KubernetesClient client, String ownerId) {
    List<GenericKubernetesResource> rules;
    try {
      rules = client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").list().getItems();
    } catch (KubernetesClientException e) {
      return; // no cluster registry there
    }
    for (GenericKubernetesResource found : rules) {
      try {
        SyncRule rule = SyncRule.of(Json.tree(found));
        client.genericKubernetesResources(rule.localGvk().apiVersion(), rule.localGvk().kind()).inAnyNamespace()
            .withLabel(ClusterRegistry.OWNER_CLUSTER_ID, ownerId).delete();
      } catch (SyncRule.InvalidRule e) {
        // not followed, so it made no copies
      } catch (KubernetesClientException e) {
        // its kind is not served here: no copies of it either
      }
    }
  }

  /** What attach labelled on a cluster, namespace last (deleting it deletes what it holds). */
  private List<HasMetadata> labelled(KubernetesClient client) {
    List<HasMetadata> out = new ArrayList<>();
    out.addAll(client.secrets().inNamespace(NAMESPACE).withLabel(ATTACHED_BY, primary.name()).list().getItems());
    out.addAll(client.serviceAccounts().inNamespace(NAMESPACE).withLabel(ATTACHED_BY, primary.name()).list().getItems());
    out.addAll(client.rbac().clusterRoleBindings().withLabel(ATTACHED_BY, primary.name()).list().getItems());
    out.addAll(client.rbac().clusterRoles().withLabel(ATTACHED_BY, primary.name()).list().getItems());
    try {
      out.addAll(client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withLabel(ATTACHED_BY, primary.name()).list()
          .getItems());
    } catch (KubernetesClientException e) {
      // the kind is not installed there
    }
    out.addAll(client.namespaces().withLabel(ATTACHED_BY, primary.name()).list().getItems());
    return out;
  }
}
