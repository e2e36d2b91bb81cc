package io.smm.operator.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.OwnershipLabels;
import io.smm.operator.resources.ResourceApplier;

/**
 * Removing an Istio control plane (end of a canary upgrade): refused while its revision is in use
 * or while the ControlPlane still points at it, unless forced.
 */
public class ControlPlaneRemoval {

  /** Why a removal was refused. */
  public static class RefusedException extends RuntimeException {
    public RefusedException(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;
  private final IstioControlPlaneReconciler istio;

  public ControlPlaneRemoval(KubernetesClient client) {
    this.client = client;
    this.istio = new IstioControlPlaneReconciler(client, new ResourceApplier(client));
  }

  /** The reason this control plane may not be removed now, or null. */
  public String refusal(String namespace, String name) {
    String revision = name + "." + namespace;
    var cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).list().getItems();
    for (GenericKubernetesResource c : cp) {
      if (c.getMetadata().getDeletionTimestamp() != null) {
        continue; // being uninstalled: its control plane goes with it
      }
      Object spec = c.getAdditionalProperties().get("spec");
      String ref = Serialization.jsonMapper().valueToTree(spec)
          .at("/meshManager/istio/istioCRRef/name").asText("cp-v115x");
      String refNs = Serialization.jsonMapper().valueToTree(spec)
          .at("/meshManager/istio/istioCRRef/namespace").asText("istio-system");
      if (ref.equals(name) && refNs.equals(namespace)) {
        return revision + " is the control plane of ControlPlane " + c.getMetadata().getName()
            + "; point spec.meshManager.istio.istioCRRef at the new one first";
      }
    }
    RevisionUsage usage = RevisionUsage.of(client, revision);
    if (usage.inUse()) {
      return usage.describe() + "; move them with `smm sidecar-proxy auto-inject on <namespace> --controlplane <new>`"
          + " and restart their pods";
    }
    return null;
  }

  /**
   * True when the IstioControlPlane was created by a ControlPlane that is gone or being deleted:
   * uninstalling the mesh removes its control plane even if namespaces still point at it.
   */
  public boolean orphanedByUninstall(GenericKubernetesResource icp) {
    var annotations = icp.getMetadata().getAnnotations();
    String owner = annotations == null ? null : annotations.get(OwnershipLabels.OWNER);
    if (owner == null || !owner.startsWith("ControlPlane/")) {
      return false;
    }
    GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName(owner.substring("ControlPlane/".length())).get();
    return cp == null || cp.getMetadata().getDeletionTimestamp() != null;
  }

  /** Removes istiod's resources and the IstioControlPlane. */
  public void remove(String namespace, String name, boolean force) {
    var icps = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace(namespace);
    GenericKubernetesResource icp = icps.withName(name).get();
    if (icp == null) {
      throw new RefusedException("there is no IstioControlPlane " + namespace + "/" + name);
    }
    String why = refusal(namespace, name);
    if (why != null && !force) {
      throw new RefusedException("refusing to delete IstioControlPlane " + namespace + "/" + name + ": " + why
          + " (or use --force)");
    }
    istio.remove(icp);
    icps.withName(name).delete();
  }
}
