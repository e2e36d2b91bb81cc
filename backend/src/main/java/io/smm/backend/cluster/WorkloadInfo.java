package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import java.util.Map;

/**
 * A Deployment, StatefulSet or DaemonSet, or a VM (an Istio WorkloadEntry, or the WorkloadGroup
 * its auto-registered entries belong to), as the Workloads page lists it.
 */
public record WorkloadInfo(String name, String namespace, String kind, int replicas, int readyReplicas, String app, String version,
    List<Label> labels, String createdAt) {

  /** Whether it runs outside Kubernetes, registered with Istio. */
  public boolean vm() {
    return kind.equals("WorkloadEntry") || kind.equals("WorkloadGroup");
  }

  /**
   * Whether it is an Istio ingress or egress gateway: labelled as SMM's IstioMeshGateway
   * (gateway-type), Istio's charts (istio=ingressgateway|egressgateway) or the Gateway API
   * (gateway.istio.io/managed) label them.
   */
  public boolean gateway() {
    return labels.stream().anyMatch(l -> l.key().equals("gateway-type") || l.key().equals("gateway.istio.io/managed")
        || (l.key().equals("istio") && l.value().endsWith("gateway")));
  }

  static WorkloadInfo of(HasMetadata w, String kind, PodTemplateSpec template, int replicas, int ready) {
    Map<String, String> labels = template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    return new WorkloadInfo(w.getMetadata().getName(), w.getMetadata().getNamespace(), kind, replicas, ready,
        labels.getOrDefault("app", ""), labels.getOrDefault("version", ""),
        Label.sorted(labels),
        w.getMetadata().getCreationTimestamp());
  }
}
