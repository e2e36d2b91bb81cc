package io.smm.operator.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.ResourceStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Istio operator part: turns an IstioControlPlane into its istiod resources and reports
 * status (MODE/STATUS/ERROR columns) from the istiod Deployment's readiness.
 */
public class IstioControlPlaneReconciler {

  public static final String AVAILABLE = "Available";
  public static final String RECONCILING = "Reconciling";
  public static final String FAILED = "ReconcileFailed";

  private final KubernetesClient client;
  private final ResourceApplier applier;

  public IstioControlPlaneReconciler(KubernetesClient client, ResourceApplier applier) {
    this.client = client;
    this.applier = applier;
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
    try {
      for (HasMetadata r : IstiodResources.of(icp)) {
        applier.apply(DesiredResource.present(r), "istiod", owner);
      }
      Deployment istiod = client.apps().deployments().inNamespace(namespace).withName(IstiodResources.istiodName(icp)).get();
      boolean ready = istiod != null && istiod.getStatus() != null && istiod.getStatus().getReadyReplicas() != null
          && istiod.getStatus().getReadyReplicas() >= 1;
      status = ready ? AVAILABLE : RECONCILING;
    } catch (RuntimeException e) {
      status = FAILED;
      error = e.getMessage();
    }
    writeStatus(icp, status, error);
    return status;
  }

  /** Removes the istiod resources of a control plane (before the IstioControlPlane itself goes). */
  public void remove(GenericKubernetesResource icp) {
    String owner = "IstioControlPlane/" + icp.getMetadata().getNamespace() + "/" + icp.getMetadata().getName();
    var resources = new java.util.ArrayList<>(IstiodResources.of(icp));
    java.util.Collections.reverse(resources);
    resources.forEach(r -> applier.apply(DesiredResource.absent(r), "istiod", owner));
  }

  /** Records an error on the IstioControlPlane's status (ERROR column) without changing anything else. */
  public void reportError(String namespace, String name, String error) {
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(namespace).withName(name).get();
    if (icp != null) {
      writeStatus(icp, FAILED, error);
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

  private void writeStatus(GenericKubernetesResource icp, String status, String error) {
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("status", status);
    next.put("istiodRevision", IstiodResources.revision(icp));
    if (error != null) {
      next.put("errorMessage", error);
    }
    ResourceStatus.writeIfChanged(icp, next, r -> client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(r.getMetadata().getNamespace()).resource(r).updateStatus());
  }
}
