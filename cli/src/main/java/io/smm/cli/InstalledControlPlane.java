package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.Installer;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import io.smm.operator.resources.CustomKinds;
import java.time.Duration;
import java.util.Optional;

/**
 * The ControlPlane already in the cluster, for the commands that change it in place (`smm operator
 * reconcile`, `smm config edit`, `smm registry ...`): read its spec, and write a new one followed
 * by the reconcile the operator would run, with progress and the closing summary.
 */
final class InstalledControlPlane {

  private InstalledControlPlane() {}

  static JsonNode spec(KubeOptions.Connection kube, String name) {
    GenericKubernetesResource cp = kube.client().genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(),
        SmmCrds.CONTROL_PLANE.kind()).withName(name).get();
    if (cp == null) {
      throw new CliException("there is no ControlPlane " + name + " in the cluster; run `smm install -a` first", 1);
    }
    return specOf(cp);
  }

  /** The spec of ControlPlane {@code name} when the cluster has one; empty in a cluster without it or its kind (a new one). */
  static Optional<JsonNode> existingSpec(KubernetesClient client, String name) {
    if (!CustomKinds.installed(client, SmmCrds.CONTROL_PLANE)) {
      return Optional.empty();
    }
    return Optional.ofNullable(client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName(name).get()).map(InstalledControlPlane::specOf);
  }

  private static JsonNode specOf(GenericKubernetesResource cp) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().get("spec"));
    return spec == null || spec.isNull() ? Serialization.jsonMapper().createObjectNode() : spec;
  }

  /** Writes {@code spec} (refused whole, before any write, when invalid) and reconciles every component. */
  static void apply(KubeOptions.Connection kube, String name, JsonNode spec, String verb) {
    System.out.println("Reconciling ControlPlane " + name + " in " + kube.server());
    try {
      ReconcileReport report = new Installer(kube.client()).install(name, spec,
          new ProgressPrinter(System.out, Components.all().size()), Duration.ofSeconds(120));
      Summary.print(report, verb);
    } catch (InvalidResourceException e) {
      throw new CliException(e.getMessage(), 1);
    }
  }
}
