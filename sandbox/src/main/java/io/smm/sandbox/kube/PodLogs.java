package io.smm.sandbox.kube;

import java.util.Optional;

/** Where the API server's pods/{name}/log subresource reads from: the sandbox kubelet, which asks the pod's runtime. */
@FunctionalInterface
public interface PodLogs {

  /**
   * The log of a container ({@code container} null: the pod's first container), the last
   * {@code tailLines} lines when not null; empty when nothing runs for the pod.
   */
  Optional<String> read(String namespace, String pod, String container, Integer tailLines);
}
