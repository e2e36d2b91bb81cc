package io.smm.sandbox.envoy;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Who a pod is in Istio's metrics: workload (its controller's name, as Istio derives it),
 * namespace, app/version labels and SPIFFE principal; with the pod's IP, which access logs name
 * as Envoy sees it (the sandbox's sockets are all on 127.0.0.1, so the address travels with the identity).
 */
public record MeshIdentity(String workload, String namespace, String app, String version, String principal, String pod,
    String cluster, String ip) {

  /** @param cluster the cluster's ID, unless the pod's sidecar was injected with one (ISTIO_META_CLUSTER_ID, what Envoy reports) */
  public static MeshIdentity of(Pod pod, String cluster) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String app = labels.getOrDefault("app", labels.getOrDefault("app.kubernetes.io/name", "unknown"));
    String version = labels.getOrDefault("version", "unknown");
    String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
    String ns = pod.getMetadata().getNamespace();
    String ip = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "" : pod.getStatus().getPodIP();
    return new MeshIdentity(workloadName(pod), ns, app, version, "spiffe://cluster.local/ns/" + ns + "/sa/" + sa,
        pod.getMetadata().getName(), injectedCluster(pod).orElse(cluster), ip);
  }

  private static java.util.Optional<String> injectedCluster(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> "istio-proxy".equals(c.getName()) && c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream()).filter(e -> "ISTIO_META_CLUSTER_ID".equals(e.getName()) && e.getValue() != null
            && !e.getValue().isEmpty()).map(e -> e.getValue()).findFirst();
  }

  /** Istio's workload name: the Deployment's for ReplicaSet pods (name minus the hash), else the owner's or the pod's. */
  static String workloadName(Pod pod) {
    var refs = pod.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return pod.getMetadata().getName();
    }
    var owner = refs.get(0);
    String hash = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("pod-template-hash");
    if ("ReplicaSet".equals(owner.getKind()) && hash != null && owner.getName().endsWith("-" + hash)) {
      return owner.getName().substring(0, owner.getName().length() - hash.length() - 1);
    }
    return owner.getName();
  }

  /** The pod's service account: the last part of its SPIFFE principal (spiffe://cluster.local/ns/NS/sa/SA). */
  public String serviceAccount() {
    return principal.substring(principal.lastIndexOf('/') + 1);
  }

  static final MeshIdentity UNKNOWN = new MeshIdentity("unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "");

  /** ip:port as Envoy logs an address of this pod; {@code fallback} when its IP is not known. */
  public String address(int port, String fallback) {
    return ip.isEmpty() ? fallback : ip + ":" + port;
  }
}
