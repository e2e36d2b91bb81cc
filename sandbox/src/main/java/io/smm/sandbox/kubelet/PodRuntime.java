package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * Extension point of the sandbox kubelet: what actually runs for a pod. Pods no runtime claims are
 * reported Running with nothing behind them (enough for controllers and the API to behave as on
 * a cluster). The demo application registers a runtime that runs its images as in-process
 * workloads.
 */
public interface PodRuntime {

  /** Whether this runtime runs the pod, typically decided by its container images. */
  boolean runs(Pod pod);

  /** Called once when the pod is bound to the node and reported Running. */
  void start(Pod pod);

  /** Called once when the pod is deleted. */
  void stop(Pod pod);

  /**
   * Where port {@code port} of a pod this runtime runs can be reached from this machine
   * (host:port), for Prometheus' scrape targets; empty when the pod does not listen there.
   */
  default Optional<String> address(Pod pod, int port) {
    return Optional.empty();
  }

  /** What a container of a pod this runtime runs has written (kubectl logs), the last {@code tailLines} when not null. */
  default Optional<String> logs(Pod pod, String container, Integer tailLines) {
    return Optional.empty();
  }

  /**
   * CPU and memory each container of a running pod has used, for the kubelet's cAdvisor metrics;
   * empty when the runtime cannot tell.
   */
  default List<ContainerUsage> usage(Pod pod) {
    return List.of();
  }
}
