package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.CustomKinds;
import io.smm.operator.istio.render.IstioRendering;
import java.util.ArrayList;
import java.util.List;

/** `smm istio cluster status`: the clusters of the mesh and every Istio control plane with who uses its revision. */
public final class MeshStatus {

  public record Cluster(String name, String type, String status, String message) {}

  /**
   * An Istio control plane of the mesh: this cluster's, or another cluster's as the cluster registry
   * copied it here (PeerIstioControlPlane; {@code namespaces} and {@code pods} are -1 then: what
   * uses it is only known there).
   */
  public record ControlPlaneRow(String cluster, String name, String namespace, String version, String mode, String network,
      List<String> gateways, String revision, String status, String error, int namespaces, int pods) {}

  private MeshStatus() {}

  /**
   * Every cluster of the mesh: the cluster registry's Clusters when there are any (the local one
   * with its ControlPlane's status, peers Available once the registry reaches them), else this
   * cluster from its ControlPlane.
   */
  public static List<Cluster> clusters(KubernetesClient client) {
    List<Cluster> local = listed(client, SmmCrds.CONTROL_PLANE).stream().map(cp -> {
          JsonNode n = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties());
          return new Cluster(n.at("/spec/clusterName").asText(cp.getMetadata().getName()), "local",
              clusterStatus(n.at("/status/status").asText("")), n.at("/status/message").asText(""));
        }).toList();
    List<GenericKubernetesResource> registered = listed(client, SmmCrds.CLUSTER);
    if (registered.isEmpty()) {
      return local;
    }
    List<Cluster> out = new ArrayList<>();
    for (GenericKubernetesResource c : registered) {
      JsonNode status = Serialization.jsonMapper().valueToTree(c.getAdditionalProperties()).path("status");
      String state = status.path("state").asText("");
      String message = status.path("message").asText("");
      if ("Local".equals(status.path("type").asText())) {
        // The registry's view first when it has a problem; else what the ControlPlane's reconcile says.
        Cluster cp = local.isEmpty() ? new Cluster(c.getMetadata().getName(), "local", "Reconciling", "") : local.get(0);
        out.add("Ready".equals(state) ? new Cluster(c.getMetadata().getName(), "local", cp.status(), cp.message())
            : new Cluster(c.getMetadata().getName(), "local", state, message));
      } else {
        out.add(new Cluster(c.getMetadata().getName(), "peer", state.isEmpty() ? "Unknown" : "Ready".equals(state) ? "Available" : state,
            message));
      }
    }
    return out;
  }

  /** Every object of a kind; none when the kind is not installed (a cluster without the product or the registry). */
  private static List<GenericKubernetesResource> listed(KubernetesClient client, SmmCrds.Kind kind) {
    if (!CustomKinds.installed(client, kind)) {
      return List.of();
    }
    return client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace().list().getItems();
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

  /** This cluster's IstioControlPlanes, then the other clusters' ones the cluster registry copied here. */
  public static List<ControlPlaneRow> controlPlanes(KubernetesClient client) {
    List<ControlPlaneRow> rows = new java.util.ArrayList<>(listed(client, SmmCrds.ISTIO_CONTROL_PLANE).stream()
        .map(icp -> row(client, icp)).toList());
    listed(client, SmmCrds.PEER_ISTIO_CONTROL_PLANE).stream().map(MeshStatus::peerRow)
        .sorted(java.util.Comparator.comparing(ControlPlaneRow::cluster).thenComparing(ControlPlaneRow::name)).forEach(rows::add);
    return rows;
  }

  private static ControlPlaneRow row(KubernetesClient client, GenericKubernetesResource icp) {
    JsonNode n = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties());
    String revision = IstioRendering.revision(icp).label();
    RevisionUsage usage = RevisionUsage.of(client, revision);
    return new ControlPlaneRow(n.at("/status/clusterID").asText(n.at("/spec/clusterID").asText("")), icp.getMetadata().getName(),
        icp.getMetadata().getNamespace(), n.at("/spec/version").asText(""), n.at("/spec/mode").asText("ACTIVE"),
        n.at("/spec/networkName").asText(""), texts(n.at("/status/gatewayAddress")), revision, n.at("/status/status").asText("Unknown"),
        n.at("/status/errorMessage").asText(""), usage.namespaces().size(), usage.pods().size());
  }

  /** A PeerIstioControlPlane: the original's name and status, as its cluster reported them. */
  private static ControlPlaneRow peerRow(GenericKubernetesResource peer) {
    JsonNode n = Serialization.jsonMapper().valueToTree(peer.getAdditionalProperties());
    String name = n.at("/status/istioControlPlaneName").asText(peer.getMetadata().getName());
    return new ControlPlaneRow(n.at("/status/clusterID").asText(""), name, peer.getMetadata().getNamespace(),
        n.at("/spec/version").asText(""), n.at("/spec/mode").asText("ACTIVE"), n.at("/spec/networkName").asText(""),
        texts(n.at("/status/gatewayAddress")), name + "." + peer.getMetadata().getNamespace(), n.at("/status/status").asText("Unknown"),
        n.at("/status/errorMessage").asText(""), -1, -1);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(a -> out.add(a.asText()));
    return out;
  }
}
