package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;

/**
 * Which Sidecar resource configures a pod, by Istio's precedence: one in the pod's namespace
 * whose workloadSelector matches it, else the one in its namespace without selector, else the
 * one without selector in the mesh's root namespace.
 */
public final class Sidecars {

  private Sidecars() {}

  static JsonNode applying(MeshResources.Snapshot mesh, ServiceRegistry.Caller caller) {
    JsonNode namespaceWide = null;
    JsonNode rootWide = null;
    String root = mesh.meshConfig(caller.revision()).path("rootNamespace").asText("istio-system");
    for (MeshResources.Rule s : mesh.sidecars()) {
      JsonNode selector = s.spec().at("/workloadSelector/labels");
      if (s.namespace().equals(caller.namespace())) {
        if (selector.isObject() && !selector.isEmpty()) {
          if (selects(selector, caller.labels())) {
            return s.spec();
          }
        } else if (namespaceWide == null) {
          namespaceWide = s.spec();
        }
      } else if (s.namespace().equals(root) && (!selector.isObject() || selector.isEmpty()) && rootWide == null) {
        rootWide = s.spec();
      }
    }
    return namespaceWide != null ? namespaceWide : rootWide != null ? rootWide : MissingNode.getInstance();
  }

  static boolean selects(JsonNode selectorLabels, Map<String, String> labels) {
    var it = selectorLabels.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
