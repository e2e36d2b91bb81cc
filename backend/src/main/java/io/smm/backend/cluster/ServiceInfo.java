package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;

/** A Kubernetes Service as the Services page lists it. */
public record ServiceInfo(String name, String namespace, String type, String clusterIP, List<String> ports, List<Label> selector,
    String createdAt) {

  static ServiceInfo of(Service s) {
    Map<String, String> selector = s.getSpec().getSelector() == null ? Map.of() : s.getSpec().getSelector();
    List<String> ports = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts().stream()
        .map(p -> (p.getName() == null ? "" : p.getName() + " ") + p.getPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()))
        .toList();
    return new ServiceInfo(s.getMetadata().getName(), s.getMetadata().getNamespace(),
        s.getSpec().getType() == null ? "ClusterIP" : s.getSpec().getType(), s.getSpec().getClusterIP(), ports,
        Label.sorted(selector),
        s.getMetadata().getCreationTimestamp());
  }
}
