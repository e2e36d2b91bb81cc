package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The cluster ID a control plane revision gives its proxies, from its IstioControlPlane. */
final class ControlPlaneIds {

  private ControlPlaneIds() {}

  /**
   * The cluster ID of the IstioControlPlane of {@code revision} (name.namespace): the one it reports
   * in status, else the one its spec asks for; null when there is no such control plane.
   */
  static String clusterId(KubernetesClient client, String revision) {
    int dot = revision.indexOf('.');
    if (dot < 1) {
      return null;
    }
    GenericKubernetesResource icp = client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane")
        .inNamespace(revision.substring(dot + 1)).withName(revision.substring(0, dot)).get();
    if (icp == null) {
      return null;
    }
    JsonNode tree = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties());
    String id = tree.at("/status/clusterID").asText(tree.at("/spec/clusterID").asText(""));
    return id.isEmpty() ? null : id;
  }
}
