package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.MeshGatewayValues;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.ResourceStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Istio operator's gateway part: an IstioMeshGateway becomes what the istio-operator's
 * istio-meshgateway chart renders (a Deployment whose pod istiod's injector completes with the
 * gateway template, Service, ServiceAccount, SDS Role, PDB, HPA), with status (Available once ready).
 */
public class MeshGatewayReconciler {

  private final KubernetesClient client;
  private final ResourceApplier applier;
  private final IstioRendering rendering;

  public MeshGatewayReconciler(KubernetesClient client, ResourceApplier applier) {
    this(client, applier, new IstioRendering());
  }

  public MeshGatewayReconciler(KubernetesClient client, ResourceApplier applier, IstioRendering rendering) {
    this.client = client;
    this.applier = applier;
    this.rendering = rendering;
  }

  /** Reconciles every IstioMeshGateway in the cluster; true when all are Available. */
  public boolean reconcileAll() {
    boolean all = true;
    for (GenericKubernetesResource gw : gateways().inAnyNamespace().list().getItems()) {
      if (gw.getMetadata().getDeletionTimestamp() == null) {
        all &= "Available".equals(reconcile(gw));
      }
    }
    return all;
  }

  /** Applies one gateway's Deployment/Service/ServiceAccount and writes its status; returns that status. */
  public String reconcile(GenericKubernetesResource gw) {
    String owner = "IstioMeshGateway/" + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName();
    String status;
    String error = null;
    try {
      for (HasMetadata r : desired(gw)) {
        applier.apply(DesiredResource.present(r), "mesh-gateway", owner);
      }
      Deployment d = client.apps().deployments().inNamespace(gw.getMetadata().getNamespace()).withName(gw.getMetadata().getName()).get();
      boolean ready = d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() >= 1;
      status = ready ? "Available" : "Reconciling";
    } catch (RuntimeException e) {
      status = "ReconcileFailed";
      error = e.getMessage();
    }
    // Field names as the Istio operator's status (the printer columns read Status and ErrorMessage).
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("Status", status);
    List<String> addresses = addresses(gw);
    if (!addresses.isEmpty()) {
      next.put("GatewayAddress", addresses);
    }
    if (error != null) {
      next.put("ErrorMessage", error);
    }
    ResourceStatus.writeIfChanged(gw, next, r -> gateways().inNamespace(r.getMetadata().getNamespace()).resource(r).updateStatus());
    return status;
  }

  /**
   * The addresses the gateway's Service got from the load balancer (istio-operator's
   * status.GatewayAddress, which the manual's lookups and the meshexpansion settings read).
   */
  private List<String> addresses(GenericKubernetesResource gw) {
    var service = client.services().inNamespace(gw.getMetadata().getNamespace()).withName(gw.getMetadata().getName()).get();
    if (service == null || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return service.getStatus().getLoadBalancer().getIngress().stream()
        .map(i -> i.getIp() != null && !i.getIp().isEmpty() ? i.getIp() : i.getHostname()).filter(a -> a != null && !a.isEmpty()).toList();
  }

  /**
   * The rendered gateway. Revision, image pull settings and checksums come from the control plane the
   * gateway names (as the istio-operator resolves it), not from the gateway's own spec.
   */
  private List<HasMetadata> desired(GenericKubernetesResource gw) {
    JsonNode ref = IstioRendering.spec(gw).path("istioControlPlane");
    String icpNamespace = ref.path("namespace").asText("istio-system");
    String icpName = ref.path("name").asText("cp-v115x");
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(icpNamespace).withName(icpName).get();
    if (icp == null) {
      throw new IllegalStateException("spec.istioControlPlane: there is no IstioControlPlane " + icpNamespace + "/" + icpName);
    }
    JsonNode icpStatus = IstioRendering.status(icp);
    return rendering.meshGateway(gw, MeshGatewayValues.Properties.of(icp, icpStatus.at("/checksums/sidecarInjector").textValue(),
        icpStatus.at("/checksums/meshConfig").textValue()));
  }

  /** Removes a gateway's Deployment/Service/ServiceAccount (before the IstioMeshGateway goes). */
  public void remove(String namespace, String name) {
    GenericKubernetesResource gw = gateways().inNamespace(namespace).withName(name).get();
    if (gw == null) {
      return;
    }
    // Only the objects' names matter here, and they do not depend on the control plane (which may be gone).
    List<HasMetadata> resources = new ArrayList<>(rendering.meshGateway(gw, new MeshGatewayValues.Properties("", true, null, null,
        Serialization.jsonMapper().createObjectNode(), false)));
    Collections.reverse(resources);
    resources.forEach(r -> applier.apply(DesiredResource.absent(r), "mesh-gateway", "IstioMeshGateway/" + namespace + "/" + name));
  }

  private MixedOperation<GenericKubernetesResource,
      GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> gateways() {
    return client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind());
  }
}
