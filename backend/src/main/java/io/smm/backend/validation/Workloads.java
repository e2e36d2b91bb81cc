package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What Istio's analyzers read from pods and the injector: the sidecar container, mesh membership, injector settings. */
final class Workloads {

  static final String PROXY = "istio-proxy";
  static final String INJECTOR_CONFIG_MAP = "istio-sidecar-injector";

  private Workloads() {}

  /** Containers then init containers (a native sidecar is an init container). */
  private static List<JsonNode> containers(JsonNode podSpec) {
    List<JsonNode> out = new ArrayList<>();
    podSpec.path("containers").forEach(out::add);
    podSpec.path("initContainers").forEach(out::add);
    return out;
  }

  /** The pod's istio-proxy container (among its containers or, as a native sidecar, its init containers). */
  static Optional<JsonNode> proxyContainer(KubeObject pod) {
    return proxyContainer(pod.spec());
  }

  private static Optional<JsonNode> proxyContainer(JsonNode podSpec) {
    return containers(podSpec).stream().filter(c -> c.path("name").asText().equals(PROXY)).findFirst();
  }

  /** The image of the pod's istio-proxy container, or "" without one. */
  static String proxyImage(KubeObject pod) {
    return proxyContainer(pod).map(c -> c.path("image").asText("")).orElse("");
  }

  /**
   * Istio's PodInMesh: it has a sidecar; else its sidecar.istio.io/inject label, else that
   * annotation, says "true"; else its namespace is labelled istio-injection=enabled.
   */
  static boolean inMesh(MeshConfig mesh, KubeObject pod) {
    return inMesh(mesh, pod.namespace(), pod.body().path("metadata"), pod.spec());
  }

  /** The same for a pod template (a Deployment's {@code spec.template}) in {@code namespace}. */
  static boolean inMesh(MeshConfig mesh, String namespace, JsonNode metadata, JsonNode podSpec) {
    if (proxyContainer(podSpec).filter(c -> !c.path("image").asText("").isEmpty()).isPresent()) {
      return true;
    }
    JsonNode inject = metadata.path("labels").path("sidecar.istio.io/inject");
    if (inject.isMissingNode()) {
      inject = metadata.path("annotations").path("sidecar.istio.io/inject");
    }
    if (!inject.isMissingNode()) {
      return inject.asText().equals("true");
    }
    return mesh.namespace(namespace).map(ns -> "enabled".equals(ns.labels().get("istio-injection"))).orElse(false);
  }

  /** The injector ConfigMap of a revision: istio-sidecar-injector, or istio-sidecar-injector-&lt;revision&gt;. */
  static String injectorConfigMap(String revision) {
    return revision == null || revision.isEmpty() || revision.equals("default") ? INJECTOR_CONFIG_MAP : INJECTOR_CONFIG_MAP + "-" + revision;
  }

  /** The injector's values (its ConfigMap's "values" JSON); missing when unreadable. */
  static JsonNode injectorValues(KubeObject configMap) {
    try {
      return Serialization.jsonMapper().readTree(configMap.body().path("data").path("values").asText("{}"));
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }
}
