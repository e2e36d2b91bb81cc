package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The mTLS mode a workload's inbound sidecar enforces, by Istio's precedence: a
 * PeerAuthentication in its namespace whose selector matches it, else the namespace-wide one,
 * else the mesh-wide one (root namespace, no selector), else PERMISSIVE. UNSET inherits from the
 * next level. Port-level modes are not simulated.
 */
public final class PeerAuthentications {

  public enum Mode { STRICT, PERMISSIVE, DISABLE }

  private PeerAuthentications() {}

  static Mode mode(MeshResources.Snapshot mesh, String namespace, Map<String, String> labels, String revision) {
    String root = mesh.meshConfig(revision).path("rootNamespace").asText("istio-system");
    String workload = null;
    String namespaceWide = null;
    String meshWide = null;
    for (MeshResources.Rule pa : mesh.peerAuthentications()) {
      JsonNode selector = pa.spec().at("/selector/matchLabels");
      boolean hasSelector = selector.isObject() && !selector.isEmpty();
      String mode = pa.spec().at("/mtls/mode").asText("UNSET");
      if (mode.equals("UNSET")) {
        continue;
      }
      if (pa.namespace().equals(namespace) && hasSelector && Sidecars.selects(selector, labels)) {
        workload = mode;
      } else if (pa.namespace().equals(namespace) && !hasSelector) {
        namespaceWide = mode;
      } else if (pa.namespace().equals(root) && !hasSelector) {
        meshWide = mode;
      }
    }
    String effective = workload != null ? workload : namespaceWide != null ? namespaceWide : meshWide;
    try {
      return effective == null ? Mode.PERMISSIVE : Mode.valueOf(effective);
    } catch (IllegalArgumentException e) {
      return Mode.PERMISSIVE;
    }
  }
}
