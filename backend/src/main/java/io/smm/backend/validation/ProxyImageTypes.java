package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy image variant ("distroless", "debug") a pod gets, decided as Istio does: the mesh's
 * defaultConfig, overridden by a ProxyConfig in the root namespace, then one for the pod's
 * namespace, then one selecting the pod, then the pod's proxy.istio.io/config annotation.
 */
final class ProxyImageTypes {

  private static final YAMLMapper YAML = new YAMLMapper();

  private final String mesh;
  private String root = "";
  private final Map<String, String> byNamespace = new HashMap<>();
  private final List<KubeObject> selecting = new ArrayList<>();

  ProxyImageTypes(MeshConfig config) {
    this.mesh = config.settings().path("defaultConfig").path("image").path("imageType").asText("");
    for (KubeObject pc : config.all("ProxyConfig")) {
      String type = pc.spec().path("image").path("imageType").asText("");
      if (pc.namespace().equals(config.rootNamespace())) {
        root = type;
      } else if (!pc.spec().has("selector")) {
        byNamespace.put(pc.namespace(), type);
      } else {
        selecting.add(pc);
      }
    }
  }

  /** The pod's variant; "" for the default image. */
  String of(KubeObject pod) {
    String variant = mesh;
    if (!root.isEmpty()) {
      variant = root;
    }
    if (!byNamespace.getOrDefault(pod.namespace(), "").isEmpty()) {
      variant = byNamespace.get(pod.namespace());
    }
    for (KubeObject pc : selecting) {
      String type = pc.spec().path("image").path("imageType").asText("");
      if (pc.namespace().equals(pod.namespace()) && !type.isEmpty()
          && MeshConfig.selects(KubeObject.strings(pc.spec().path("selector").path("matchLabels")), pod.labels())) {
        variant = type;
      }
    }
    String annotation = pod.annotations().get("proxy.istio.io/config");
    if (annotation != null) {
      try {
        JsonNode config = YAML.readTree(annotation);
        String type = config == null ? "" : config.path("image").path("imageType").asText("");
        if (!type.isEmpty()) {
          variant = type;
        }
      } catch (IOException e) {
        // Istio ignores an annotation it cannot parse; so do we.
      }
    }
    return variant.equals("default") ? "" : variant;
  }
}
