package io.smm.operator.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;

/**
 * The Istio resources a DemoApplication with deployIstioResources adds: subsets for the three
 * movies versions and a weighted split between them (v1 most, v3 least), so the topology shows
 * traffic management at work from the start.
 */
final class MoviesRouting {

  static final Map<String, Integer> WEIGHTS = Map.of("v1", 60, "v2", 30, "v3", 10);

  private MoviesRouting() {}

  static List<HasMetadata> of(String namespace) {
    List<Map<String, Object>> subsets = List.of("v1", "v2", "v3").stream()
        .map(v -> Map.<String, Object>of("name", v, "labels", Map.of("version", v))).toList();
    GenericKubernetesResource rule = resource("DestinationRule", namespace, Map.of("host", "movies", "subsets", subsets));
    List<Map<String, Object>> route = List.of("v1", "v2", "v3").stream()
        .map(v -> Map.<String, Object>of("destination", Map.of("host", "movies", "subset", v), "weight", WEIGHTS.get(v))).toList();
    GenericKubernetesResource service = resource("VirtualService", namespace, Map.of("hosts", List.of("movies"),
        "http", List.of(Map.of("route", route))));
    return List.of(rule, service);
  }

  private static GenericKubernetesResource resource(String kind, String namespace, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind(kind)
        .withNewMetadata().withName("movies").withNamespace(namespace).addToLabels(DemoResources.labels("movies", null)).endMetadata()
        .addToAdditionalProperties("spec", spec).build();
  }
}
