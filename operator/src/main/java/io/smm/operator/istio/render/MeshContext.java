package io.smm.operator.istio.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;

/**
 * What the istio-operator passes to the discovery chart besides the IstioControlPlane: the
 * IstioMesh's config (merged under the CR's meshConfig), the mesh networks gathered from peer
 * clusters' gateways, and the root certificates of ACTIVE peer control planes (appended to the
 * mesh's caCertificates). A single cluster has none of them.
 */
public record MeshContext(JsonNode meshConfig, JsonNode meshNetworks, List<String> trustedRootCaPems) {

  public static MeshContext singleCluster() {
    return new MeshContext(MissingNode.getInstance(), MissingNode.getInstance(), List.of());
  }
}
