package io.smm.operator.components;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a component's pods run and what they may use, from the ControlPlane: its resources,
 * affinity, tolerations and nodeSelector (the first of its settings paths that sets one wins; affinity
 * and tolerations fall back to spec.affinity and spec.tolerations, the product-wide defaults), and
 * the image pull secrets of spec.registryAccess, which every product pod gets.
 */
public record PodPlacement(ResourceRequirements resources, Affinity affinity, List<Toleration> tolerations,
    Map<String, String> nodeSelector, List<String> pullSecrets) {

  public static final PodPlacement NONE = new PodPlacement(null, null, List.of(), Map.of(), List.of());

  /** The settings under the first of {@code paths} that has each, e.g. "smm.sre.controller" then "smm.sre". */
  public static PodPlacement of(ControlPlaneConfig config, List<String> paths) {
    return new PodPlacement(
        convert(first(config, paths, "resources"), new TypeReference<ResourceRequirements>() {}),
        convert(orDefault(config, first(config, paths, "affinity"), "affinity"), new TypeReference<Affinity>() {}),
        listOrEmpty(convert(orDefault(config, first(config, paths, "tolerations"), "tolerations"), new TypeReference<List<Toleration>>() {})),
        mapOrEmpty(convert(first(config, paths, "nodeSelector"), new TypeReference<Map<String, String>>() {})),
        pullSecretNames(config));
  }

  /** The names of registryAccess.pullSecrets, which the registry access component copies into each product namespace. */
  public static List<String> pullSecretNames(ControlPlaneConfig config) {
    if (!config.enabled("registryAccess")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    config.at("registryAccess.pullSecrets").forEach(s -> {
      if (!s.path("name").asText("").isEmpty() && !names.contains(s.path("name").asText())) {
        names.add(s.path("name").asText());
      }
    });
    return names;
  }

  /** Puts the placement on a pod spec and its first container, leaving what is not set untouched. */
  public void applyTo(PodSpec pod) {
    if (resources != null && !pod.getContainers().isEmpty()) {
      pod.getContainers().get(0).setResources(resources);
    }
    if (affinity != null) {
      pod.setAffinity(affinity);
    }
    if (!tolerations.isEmpty()) {
      pod.setTolerations(tolerations);
    }
    if (!nodeSelector.isEmpty()) {
      pod.setNodeSelector(nodeSelector);
    }
    if (!pullSecrets.isEmpty()) {
      pod.setImagePullSecrets(pullSecrets.stream().map(LocalObjectReference::new).toList());
    }
  }

  private static JsonNode first(ControlPlaneConfig config, List<String> paths, String setting) {
    for (String path : paths) {
      JsonNode n = config.at(path + "." + setting);
      if (!n.isMissingNode() && !n.isNull()) {
        return n;
      }
    }
    return null;
  }

  private static JsonNode orDefault(ControlPlaneConfig config, JsonNode value, String setting) {
    JsonNode fallback = config.at(setting);
    return value != null ? value : fallback.isMissingNode() || fallback.isNull() ? null : fallback;
  }

  private static <T> T convert(JsonNode n, TypeReference<T> type) {
    return n == null ? null : Serialization.jsonMapper().convertValue(n, type);
  }

  private static <T> List<T> listOrEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static <K, V> Map<K, V> mapOrEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
