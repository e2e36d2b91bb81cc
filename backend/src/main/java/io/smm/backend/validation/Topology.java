package io.smm.backend.validation;

import java.util.HashMap;
import java.util.Map;

/**
 * The labels Istio matches a pod's endpoints by: its own labels plus the locality of its node
 * (region, zone, subzone) and the node name, as istiod adds them (AugmentLabels).
 */
final class Topology {

  static final String REGION = "topology.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String SUBZONE = "topology.istio.io/subzone";
  static final String HOSTNAME = "kubernetes.io/hostname";

  private Topology() {}

  static Map<String, String> labels(MeshConfig mesh, KubeObject pod) {
    Map<String, String> out = new HashMap<>(pod.labels());
    String nodeName = pod.spec().path("nodeName").asText("");
    if (nodeName.isEmpty()) {
      return out;
    }
    mesh.find("Node", "", nodeName).ifPresent(node -> {
      Map<String, String> nodeLabels = node.labels();
      String region = nodeLabels.getOrDefault(REGION, "");
      String zone = nodeLabels.getOrDefault(ZONE, "");
      String subzone = nodeLabels.getOrDefault(SUBZONE, "");
      // The locality is "region/zone/subzone" cut at the first empty part, then split again.
      if (!region.isEmpty()) {
        out.put(REGION, region);
      }
      if (!zone.isEmpty()) {
        out.put(ZONE, zone);
        if (!subzone.isEmpty()) {
          out.put(SUBZONE, subzone);
        }
      }
    });
    out.put(HOSTNAME, nodeName);
    return out;
  }
}
