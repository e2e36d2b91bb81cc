package io.smm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.components.Components;
import io.smm.operator.components.ControlPlaneConfig;
import io.smm.operator.components.CrdsComponent;
import io.smm.operator.resources.ResourceApplier;
import java.time.Duration;
import java.util.Map;

/**
 * `smm install` and `smm reconcile`: put the ControlPlane resource into the cluster (CRDs first),
 * then run the same reconcile the operator runs. `smm uninstall` removes what it created.
 */
public class Installer {

  private final KubernetesClient client;
  private final ControlPlaneReconciler reconciler;

  public Installer(KubernetesClient client) {
    this.client = client;
    this.reconciler = new ControlPlaneReconciler(client, Components.all());
  }

  public ReconcileReport install(String name, JsonNode userSpec, ReconcileProgress progress, Duration istioWait) {
    ControlPlaneConfig config;
    try {
      config = reconciler.validate(name, userSpec);
    } catch (InvalidResourceException e) {
      // As the operator does: the ControlPlane already in the cluster (spec untouched) says why this change was refused.
      try {
        reconciler.reportInvalid(name, e.getMessage());
      } catch (KubernetesClientException unreachable) {
        e.addSuppressed(unreachable);
      }
      throw e;
    }
    // The ControlPlane resource needs its CRD before the reconcile's own CRDs step can run.
    new CrdsComponent().apply(new ResourceApplier(client), "ControlPlane/" + name);
    upsertControlPlane(name, userSpec);
    return reconciler.reconcile(name, config, progress, istioWait);
  }

  public ReconcileReport uninstall(String name, ReconcileProgress progress) {
    var controlPlanes = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    GenericKubernetesResource cp = controlPlanes.withName(name).get();
    JsonNode spec = cp == null ? null : Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().get("spec"));
    ReconcileReport report = reconciler.uninstall(name, spec, progress);
    if (cp != null && report.succeeded()) {
      controlPlanes.withName(name).delete();
    }
    return report;
  }

  /**
   * The ControlPlane in the cluster, created or with its spec replaced; no write when it already
   * matches. Another install racing this one (409: created or changed meanwhile) is read again.
   */
  private void upsertControlPlane(String name, JsonNode userSpec) {
    for (int attempt = 1; ; attempt++) {
      try {
        writeControlPlane(name, userSpec);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private void writeControlPlane(String name, JsonNode userSpec) {
    var controlPlanes = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = userSpec == null || userSpec.isMissingNode() ? Map.of()
        : Serialization.jsonMapper().convertValue(userSpec, Map.class);
    GenericKubernetesResource existing = controlPlanes.withName(name).get();
    if (existing == null) {
      controlPlanes.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
          .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName(name).endMetadata()
          .addToAdditionalProperties("spec", spec).build()).create();
    } else if (!spec.equals(existing.getAdditionalProperties().getOrDefault("spec", Map.of()))) {
      existing.getAdditionalProperties().put("spec", spec);
      controlPlanes.resource(existing).update();
    }
  }
}
