package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.ResourceStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Istio operator's gateway part: IstioMeshGateway to Deployment/Service, with status (Available once ready). */
public class MeshGatewayReconciler {

  private final KubernetesClient client;
  private final ResourceApplier applier;

  public MeshGatewayReconciler(KubernetesClient client, ResourceApplier applier) {
    this.client = client;
    this.applier = applier;
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
      for (HasMetadata r : MeshGatewayResources.of(gw, proxyVersion(gw))) {
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
    if (error != null) {
      next.put("ErrorMessage", error);
    }
    ResourceStatus.writeIfChanged(gw, next, r -> gateways().inNamespace(r.getMetadata().getNamespace()).resource(r).updateStatus());
    return status;
  }

  /** The Istio version of the gateway's control plane, as the Istio operator tags the proxy image; null when it has none. */
  private String proxyVersion(GenericKubernetesResource gw) {
    JsonNode ref = Serialization.jsonMapper().valueToTree(gw.getAdditionalProperties().getOrDefault("spec", Map.of())).path("istioControlPlane");
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace(ref.path("namespace").asText("istio-system")).withName(ref.path("name").asText("cp-v115x")).get();
    Object spec = icp == null ? null : icp.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m && m.get("version") instanceof String v && !v.isBlank() ? v : null;
  }

  /** Removes a gateway's Deployment/Service/ServiceAccount (before the IstioMeshGateway goes). */
  public void remove(String namespace, String name) {
    GenericKubernetesResource gw = gateways().inNamespace(namespace).withName(name).get();
    if (gw == null) {
      return;
    }
    var resources = new ArrayList<>(MeshGatewayResources.of(gw, null));
    Collections.reverse(resources);
    resources.forEach(r -> applier.apply(DesiredResource.absent(r), "mesh-gateway", "IstioMeshGateway/" + namespace + "/" + name));
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> gateways() {
    return client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind());
  }
}
