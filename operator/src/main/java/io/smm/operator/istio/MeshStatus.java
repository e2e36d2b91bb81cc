package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.istio.render.IstioRendering;
import java.util.List;

/** `smm istio cluster status`: the cluster's ControlPlane and every Istio control plane with who uses its revision. */
public final class MeshStatus {

  public record Cluster(String name, String status, String message) {}

  public record ControlPlaneRow(String name, String namespace, String version, String mode, String revision, String status,
      String error, int namespaces, int pods) {}

  private MeshStatus() {}

  public static List<Cluster> clusters(KubernetesClient client) {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).list().getItems()
        .stream().map(cp -> {
          JsonNode n = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties());
          return new Cluster(n.at("/spec/clusterName").asText(cp.getMetadata().getName()),
              clusterStatus(n.at("/status/status").asText("")), n.at("/status/message").asText(""));
        }).toList();
  }

  /**
   * A cluster is Available once its ControlPlane's reconcile Succeeded: the word the manual tells
   * users to wait for. Before the first reconcile it is Reconciling; Failed stays Failed.
   */
  static String clusterStatus(String controlPlaneStatus) {
    return switch (controlPlaneStatus) {
      case "Succeeded" -> "Available";
      case "" -> "Reconciling";
      default -> controlPlaneStatus;
    };
  }

  public static List<ControlPlaneRow> controlPlanes(KubernetesClient client) {
    return client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inAnyNamespace().list().getItems().stream().map(icp -> row(client, icp)).toList();
  }

  private static ControlPlaneRow row(KubernetesClient client, GenericKubernetesResource icp) {
    JsonNode n = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties());
    String revision = IstioRendering.revision(icp).label();
    RevisionUsage usage = RevisionUsage.of(client, revision);
    return new ControlPlaneRow(icp.getMetadata().getName(), icp.getMetadata().getNamespace(), n.at("/spec/version").asText(""),
        n.at("/spec/mode").asText("ACTIVE"), revision, n.at("/status/status").asText("Unknown"),
        n.at("/status/errorMessage").asText(""), usage.namespaces().size(), usage.pods().size());
  }
}
