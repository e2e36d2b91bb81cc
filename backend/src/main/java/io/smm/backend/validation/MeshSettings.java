package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

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
    JsonNode fallback = fromControlPlane(objects, "meshConfig");
    String rootNamespace = fallback.path("rootNamespace").asText("").isEmpty() ? MeshConfig.DEFAULT_ROOT_NAMESPACE
        : fallback.path("rootNamespace").asText();
    // istio, or a revision's istio-<revision>; the injector's ConfigMaps share the prefix.
    return fromConfigMap(objects, rootNamespace, name -> name.equals("istio") || name.startsWith("istio-")
        && !name.startsWith(Workloads.INJECTOR_CONFIG_MAP), "mesh").orElse(fallback);
  }

  /**
   * Istio's MeshNetworks (which networks the mesh spans and where each one's endpoints come from):
   * the {@code meshNetworks} key of the istio ConfigMap in the root namespace, else an
   * IstioControlPlane's {@code spec.meshNetworks}; empty when neither says.
   */
  public static JsonNode networks(List<KubeObject> objects, String rootNamespace) {
    return fromConfigMap(objects, rootNamespace, "istio"::equals, "meshNetworks")
        .orElseGet(() -> fromControlPlane(objects, "meshNetworks"));
  }

  /** The first IstioControlPlane's {@code spec.<field>}; an empty object when none has it. */
  private static JsonNode fromControlPlane(List<KubeObject> objects, String field) {
    return objects.stream().filter(o -> o.is("IstioControlPlane")).map(o -> o.spec().path(field)).filter(JsonNode::isObject)
        .findFirst().orElse(YAML.createObjectNode());
  }

  /**
   * The YAML mapping under {@code key} of the first ConfigMap in the root namespace so named that
   * has one; a value istiod could not read either is passed over.
   */
  private static Optional<JsonNode> fromConfigMap(List<KubeObject> objects, String rootNamespace, Predicate<String> name, String key) {
    return objects.stream().filter(o -> o.is("ConfigMap") && o.namespace().equals(rootNamespace) && name.test(o.name())
        && o.body().path("data").has(key)).map(o -> parse(o.body().path("data").path(key).asText())).flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<JsonNode> parse(String yaml) {
    try {
      JsonNode node = YAML.readTree(yaml);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
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
