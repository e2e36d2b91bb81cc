package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Istio's MeshConfig for an analysis: the {@code mesh} key of the istio ConfigMap in the root
 * namespace (what istiod reads) when there is one, else the given settings (an IstioControlPlane's
 * {@code spec.meshConfig}); an overlay file (istioctl's --meshConfigFile) is merged over it.
 */
public final class MeshSettings {

  private static final YAMLMapper YAML = new YAMLMapper();

  private MeshSettings() {}

  /** The MeshConfig the objects of a snapshot (from a cluster, from files, or both) give Istio. */
  public static JsonNode of(List<KubeObject> objects) {
    JsonNode fallback = objects.stream().filter(o -> o.is("IstioControlPlane")).map(o -> o.spec().path("meshConfig"))
        .filter(JsonNode::isObject).findFirst().orElse(YAML.createObjectNode());
    String rootNamespace = fallback.path("rootNamespace").asText("").isEmpty() ? MeshConfig.DEFAULT_ROOT_NAMESPACE
        : fallback.path("rootNamespace").asText();
    for (KubeObject o : objects) {
      if (o.is("ConfigMap") && o.namespace().equals(rootNamespace) && (o.name().equals("istio") || o.name().startsWith("istio-"))
          && o.body().path("data").has("mesh") && !o.name().startsWith(Workloads.INJECTOR_CONFIG_MAP)) {
        try {
          JsonNode mesh = YAML.readTree(o.body().path("data").path("mesh").asText());
          if (mesh != null && mesh.isObject()) {
            return mesh;
          }
        } catch (IOException e) {
          // istiod would refuse this mesh config; analyse with the fallback.
        }
      }
    }
    return fallback;
  }

  /**
   * Istio's MeshNetworks (which networks the mesh spans and where each one's endpoints come from):
   * the {@code meshNetworks} key of the istio ConfigMap in the root namespace, else an
   * IstioControlPlane's {@code spec.meshNetworks}; empty when neither says.
   */
  public static JsonNode networks(List<KubeObject> objects, String rootNamespace) {
    for (KubeObject o : objects) {
      if (o.is("ConfigMap") && o.namespace().equals(rootNamespace) && o.name().equals("istio") && o.body().path("data").has("meshNetworks")) {
        try {
          JsonNode networks = YAML.readTree(o.body().path("data").path("meshNetworks").asText());
          if (networks != null && networks.isObject()) {
            return networks;
          }
        } catch (IOException e) {
          // istiod would refuse it too; analyse as if there were none.
        }
      }
    }
    return objects.stream().filter(o -> o.is("IstioControlPlane")).map(o -> o.spec().path("meshNetworks")).filter(JsonNode::isObject)
        .findFirst().orElse(YAML.createObjectNode());
  }

  /** {@code base} with {@code overlay}'s fields set over it, objects merged key by key. */
  public static JsonNode overlay(JsonNode base, JsonNode overlay) {
    ObjectNode out = base.isObject() ? ((ObjectNode) base).deepCopy() : YAML.createObjectNode();
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) overlay::fields) {
      JsonNode current = out.get(e.getKey());
      out.set(e.getKey(), current != null && current.isObject() && e.getValue().isObject() ? overlay(current, e.getValue()) : e.getValue());
    }
    return out;
  }
}
