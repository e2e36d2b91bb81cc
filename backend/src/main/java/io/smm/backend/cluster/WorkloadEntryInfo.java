package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A VM as the workload drill-down shows it (seed "Details of the WorkloadEntry"): its host name,
 * the network it belongs to, its address, the WorkloadGroup's ports, its Healthy condition with
 * the probe's message, and when its proxy connected and to which istiod.
 */
public record WorkloadEntryInfo(String name, String namespace, String hostname, String network, String address, List<String> ports,
    String health, String healthMessage, String lastProbeTime, String connectedAt, String controller, List<Label> labels) {

  static WorkloadEntryInfo of(GenericKubernetesResource entry) {
    var json = Serialization.jsonMapper().valueToTree(entry.getAdditionalProperties());
    var spec = json.path("spec");
    Map<String, String> labels = new TreeMap<>();
    spec.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    if (entry.getMetadata().getLabels() != null) {
      labels.putAll(entry.getMetadata().getLabels());
    }
    List<String> ports = new ArrayList<>();
    spec.path("ports").fields().forEachRemaining(e -> ports.add(e.getKey() + " " + e.getValue().asInt()));
    String health = "Unknown";
    String message = null;
    String probed = null;
    for (var c : json.at("/status/conditions")) {
      if ("Healthy".equals(c.path("type").asText())) {
        health = switch (c.path("status").asText()) {
          case "True" -> "Healthy";
          case "False" -> "Unhealthy";
          default -> "Unknown";
        };
        message = c.hasNonNull("message") ? c.get("message").asText() : null;
        probed = c.hasNonNull("lastProbeTime") ? c.get("lastProbeTime").asText() : null;
      }
    }
    Map<String, String> annotations = entry.getMetadata().getAnnotations() == null ? Map.of() : entry.getMetadata().getAnnotations();
    return new WorkloadEntryInfo(entry.getMetadata().getName(), entry.getMetadata().getNamespace(), labels.get("hostname"),
        spec.path("network").asText(null), spec.path("address").asText(null), ports, health, message, probed,
        annotations.get("istio.io/connectedAt"), annotations.get("istio.io/workloadController"), Label.of(labels));
  }
}
