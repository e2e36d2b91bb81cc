package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.MeshContext;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.ResourceStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Istio operator part: turns an IstioControlPlane into what the istio-operator renders for it
 * ({@link IstioRendering}: istiod, webhooks, injector and mesh ConfigMaps, RBAC, PDB, HPA, telemetry
 * filters; mesh expansion and the standalone injector when asked) and reports status
 * (MODE/STATUS/ERROR columns) from the istiod Deployment's readiness. A spec the operator cannot
 * render (unsupported version, bad image setting) fails before anything is written.
 */
public class IstioControlPlaneReconciler {

  public static final String AVAILABLE = "Available";
  public static final String RECONCILING = "Reconciling";
  public static final String FAILED = "ReconcileFailed";

  private final KubernetesClient client;
  private final ResourceApplier applier;
  private final IstioRendering rendering;

  public IstioControlPlaneReconciler(KubernetesClient client, ResourceApplier applier) {
    this(client, applier, new IstioRendering());
  }

  public IstioControlPlaneReconciler(KubernetesClient client, ResourceApplier applier, IstioRendering rendering) {
    this.client = client;
    this.applier = applier;
    this.rendering = rendering;
  }

  /** Applies the istiod resources and updates status; returns the status written (or kept). */
  public String reconcile(String namespace, String name) {
    var icps = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind());
    GenericKubernetesResource icp = icps.inNamespace(namespace).withName(name).get();
    if (icp == null) {
      return null;
    }
    String owner = "IstioControlPlane/" + namespace + "/" + name;
    String status;
    String error = null;
    Map<String, Object> checksums = null;
    try {
      IstioControlPlaneSpecCheck.check(IstioRendering.spec(icp));
      MeshContext context = PeerControlPlanes.context(client, icp);
      IstioRendering.ControlPlane desired = rendering.controlPlane(icp, context);
      for (HasMetadata r : desired.objects()) {
        applier.apply(DesiredResource.present(r), "istiod", owner);
      }
      // What the other mode (or the standalone injector) rendered before goes: ACTIVE to PASSIVE takes istiod away.
      java.util.Set<String> kept = desired.objects().stream().map(IstioControlPlaneReconciler::key).collect(java.util.stream.Collectors.toSet());
      for (HasMetadata r : rendering.otherModeObjects(icp, context)) {
        if (!kept.contains(key(r))) {
          applier.apply(DesiredResource.absent(r), "istiod", owner);
        }
      }
      boolean passive = "PASSIVE".equals(IstioRendering.spec(icp).path("mode").asText());
      var istiod = RemoteIstiod.endpoints(icp, passive ? PeerControlPlanes.activeGatewayAddresses(client, namespace, name) : List.of());
      applier.apply(passive ? DesiredResource.present(istiod) : DesiredResource.absent(istiod), "istiod", owner);
      // The istio-operator renders these when the cluster registry's API is on: here, when the ControlPlane enables the registry.
      boolean registry = clusterRegistryEnabled();
      for (HasMetadata r : rendering.resourceSyncRules(icp)) {
        applier.apply(registry ? DesiredResource.present(r) : DesiredResource.absent(r), "istiod", owner);
      }
      readerSecret(icp, registry, owner);
      checksums = new LinkedHashMap<>();
      checksums.put("meshConfig", desired.meshConfigChecksum());
      checksums.put("sidecarInjector", desired.injectionChecksum());
      status = istiodReady(icp) ? AVAILABLE : RECONCILING;
    } catch (RuntimeException e) {
      status = FAILED;
      error = e.getMessage();
    }
    writeStatus(icp, status, error, checksums);
    return status;
  }

  private static String key(HasMetadata r) {
    return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  /** A control plane reconciled, with the status written. */
  public record Reconciled(GenericKubernetesResource icp, String status) {}

  /** Reconciles every IstioControlPlane that is not being deleted, as the istio-operator's next pass would. */
  public List<Reconciled> reconcileAll() {
    return client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inAnyNamespace().list().getItems().stream().filter(icp -> icp.getMetadata().getDeletionTimestamp() == null)
        .map(icp -> new Reconciled(icp, reconcile(icp.getMetadata().getNamespace(), icp.getMetadata().getName()))).toList();
  }

  /** The status its reconciler last wrote (null: no such control plane, or not reconciled yet). */
  public String status(String namespace, String name) {
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(namespace).withName(name).get();
    return icp != null && icp.getAdditionalProperties().get("status") instanceof Map<?, ?> status && status.get("status") != null
        ? status.get("status").toString() : null;
  }

  /** Peers' istiods read this cluster with it; written once the reader's token is issued (a later pass). */
  private void readerSecret(GenericKubernetesResource icp, boolean registry, String owner) {
    if (!registry) {
      IstioReaderSecret.named(icp).forEach(s -> applier.apply(DesiredResource.absent(s), "istiod", owner));
      return;
    }
    IstioReaderSecret.desired(client, icp).ifPresent(s -> applier.apply(DesiredResource.present(s), "istiod", owner));
  }

  /** Whether a ControlPlane here enables the cluster registry (spec.clusterRegistry.enabled). */
  private boolean clusterRegistryEnabled() {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).list().getItems().stream()
        .anyMatch(cp -> IstioRendering.spec(cp).at("/clusterRegistry/enabled").asBoolean(false));
  }

  /** PASSIVE control planes run no istiod here (a peer's serves them): available once applied. */
  private boolean istiodReady(GenericKubernetesResource icp) {
    if ("PASSIVE".equals(IstioRendering.spec(icp).path("mode").asText())) {
      return true;
    }
    Deployment istiod = client.apps().deployments().inNamespace(icp.getMetadata().getNamespace())
        .withName(IstioRendering.revision(icp).withRevision("istiod")).get();
    return istiod != null && istiod.getStatus() != null && istiod.getStatus().getReadyReplicas() != null
        && istiod.getStatus().getReadyReplicas() >= 1;
  }

  /**
   * The addresses of the control plane's meshexpansion gateway once it is Available (istio-operator's
   * setMeshExpansionGWAddressToStatus); while the gateway exists but is not Available (its pods roll
   * after a mesh config change), the addresses the status has already: its load balancer keeps them,
   * and peers that lost them would drop this cluster's network gateway from their mesh networks.
   */
  private List<String> meshExpansionAddresses(GenericKubernetesResource icp) {
    if (!IstioRendering.spec(icp).at("/meshExpansion/enabled").asBoolean(false)) {
      return List.of();
    }
    GenericKubernetesResource gateway = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(),
        SmmCrds.ISTIO_MESH_GATEWAY.kind()).inNamespace(icp.getMetadata().getNamespace())
        .withName(IstioRendering.revision(icp).withRevision("istio-meshexpansion")).get();
    JsonNode status = gateway == null ? MissingNode.getInstance() : IstioRendering.status(gateway);
    List<String> out = new ArrayList<>();
    if ("Available".equals(status.path("Status").asText())) {
      status.path("GatewayAddress").forEach(a -> out.add(a.asText()));
    } else if (gateway != null) {
      IstioRendering.status(icp).path("gatewayAddress").forEach(a -> out.add(a.asText()));
    }
    return out;
  }

  /** An ACTIVE control plane's CA root, from the secret istiod's self-signed CA keeps (istio-operator's setIstioCARootCertToStatus). */
  private String caRootCertificate(GenericKubernetesResource icp) {
    if (!"ACTIVE".equals(IstioRendering.spec(icp).path("mode").asText("ACTIVE"))) {
      return "";
    }
    Secret secret = client.secrets().inNamespace(icp.getMetadata().getNamespace()).withName("istio-ca-secret").get();
    String pem = secret == null || secret.getData() == null ? null : secret.getData().get("ca-cert.pem");
    return pem == null ? "" : new String(Base64.getDecoder().decode(pem), StandardCharsets.UTF_8);
  }

  /** Removes the istiod resources of a control plane (before the IstioControlPlane itself goes). */
  public void remove(GenericKubernetesResource icp) {
    String owner = "IstioControlPlane/" + icp.getMetadata().getNamespace() + "/" + icp.getMetadata().getName();
    var resources = new ArrayList<>(rendering.controlPlane(icp, MeshContext.singleCluster()).objects());
    resources.addAll(rendering.otherModeObjects(icp, MeshContext.singleCluster()));
    resources.add(RemoteIstiod.endpoints(icp, List.of()));
    resources.addAll(rendering.resourceSyncRules(icp));
    resources.addAll(IstioReaderSecret.named(icp));
    Collections.reverse(resources);
    resources.forEach(r -> applier.apply(DesiredResource.absent(r), "istiod", owner));
  }

  /** Records an error on the IstioControlPlane's status (ERROR column) without changing anything else. */
  public void reportError(String namespace, String name, String error) {
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(namespace).withName(name).get();
    if (icp != null) {
      writeStatus(icp, FAILED, error, null);
    }
  }

  /** {@link #remove} for a control plane known by name; nothing when it is gone already. */
  public void removeByName(String namespace, String name) {
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(namespace).withName(name).get();
    if (icp != null) {
      remove(icp);
    }
  }

  /**
   * Status as the istio-operator writes it; checksums (of the mesh config and injector) roll gateway
   * pods when they change. The cluster ID, name, meshexpansion gateway addresses and CA root are
   * what peers read from the cluster registry's copy of it (PeerIstioControlPlane) to build their
   * mesh networks and trust.
   */
  private void writeStatus(GenericKubernetesResource icp, String status, String error, Map<String, Object> checksums) {
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("status", status);
    next.put("istiodRevision", IstioRendering.revision(icp).label());
    JsonNode spec = IstioRendering.spec(icp);
    if (!spec.path("clusterID").asText("").isEmpty()) {
      next.put("clusterID", spec.path("clusterID").asText());
    }
    next.put("istioControlPlaneName", icp.getMetadata().getName());
    List<String> gateways = meshExpansionAddresses(icp);
    if (!gateways.isEmpty()) {
      next.put("gatewayAddress", gateways);
    }
    String root = caRootCertificate(icp);
    if (!root.isEmpty()) {
      next.put("caRootCertificate", root);
    }
    if (error != null) {
      next.put("errorMessage", error);
    }
    Object previous = icp.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? m.get("checksums") : null;
    if (checksums != null || previous != null) {
      next.put("checksums", checksums != null ? checksums : previous);
    }
    ResourceStatus.writeIfChanged(icp, next, r -> client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(r.getMetadata().getNamespace()).resource(r).updateStatus());
  }
}
