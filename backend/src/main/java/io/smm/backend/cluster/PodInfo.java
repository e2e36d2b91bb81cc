package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** A pod in the drill-down: where it runs and how its containers are doing (status as kubectl prints it). */
public record PodInfo(String name, String namespace, String status, int readyContainers, int containers, int restarts, String node,
    String podIP, boolean sidecar, List<String> containerNames, String createdAt) {

  static PodInfo of(Pod p) {
    List<ContainerStatus> statuses = p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? List.of()
        : p.getStatus().getContainerStatuses();
    String status = p.getMetadata().getDeletionTimestamp() != null ? "Terminating"
        : statuses.stream().filter(c -> c.getState() != null && c.getState().getWaiting() != null).map(c -> c.getState().getWaiting().getReason())
            .findFirst().orElse(p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase());
    List<String> names = p.getSpec().getContainers().stream().map(c -> c.getName()).toList();
    return new PodInfo(p.getMetadata().getName(), p.getMetadata().getNamespace(), status,
        (int) statuses.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count(), names.size(),
        statuses.stream().mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum(),
        p.getSpec().getNodeName(), p.getStatus() == null ? null : p.getStatus().getPodIP(), hasSidecar(p), names,
        p.getMetadata().getCreationTimestamp());
  }

  /** Whether an istio-proxy sidecar runs in the pod: what puts it in the mesh. */
  public static boolean hasSidecar(Pod p) {
    return p.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals("istio-proxy"));
  }
}
