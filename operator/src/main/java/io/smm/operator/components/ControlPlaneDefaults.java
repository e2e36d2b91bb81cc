package io.smm.operator.components;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.api.controlplane.ClusterNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The effective spec: defaults, then the user's spec, then managed settings, which the user
 * cannot override (seed 2.1.2): the cluster name in its Kubernetes-safe form and the Istio
 * revision the product's own pods use, derived from istioCRRef.
 */
public final class ControlPlaneDefaults {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ControlPlaneDefaults() {}

  public static ObjectNode defaults() {
    try (InputStream in = ControlPlaneDefaults.class.getResourceAsStream("/io/smm/operator/controlplane-defaults.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ControlPlaneConfig effective(String name, JsonNode userSpec) {
    ObjectNode spec = (ObjectNode) JsonMerge.merge(defaults(), userSpec == null || userSpec.isMissingNode() ? YAML.createObjectNode() : userSpec);
    if (spec.hasNonNull("clusterName")) {
      spec.put("clusterName", ClusterNames.convert(spec.get("clusterName").asText()));
    }
    ControlPlaneConfig draft = new ControlPlaneConfig(name, spec);
    ((ObjectNode) spec.with("smm").with("istio")).put("revision", draft.istioRevision());
    return new ControlPlaneConfig(name, spec);
  }
}
