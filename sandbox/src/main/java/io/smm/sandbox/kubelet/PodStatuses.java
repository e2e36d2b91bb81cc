package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The pod statuses a kubelet reports: running and ready, crash-looping, past its deadline. */
final class PodStatuses {

  /** The status a kubelet reports once all containers started and passed readiness. */
  PodStatus running(Pod pod, String podIp) {
    String now = Instant.now().toString();
    List<PodCondition> conditions = new ArrayList<>();
    for (String type : new String[] {"PodScheduled", "Initialized", "ContainersReady", "Ready"}) {
      conditions.add(new PodConditionBuilder().withType(type).withStatus("True").withLastTransitionTime(now).build());
    }
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(new ContainerStatusBuilder()
          .withName(c.getName()).withImage(c.getImage()).withImageID(c.getImage())
          .withContainerID("sandbox://" + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/" + c.getName())
          .withReady(true).withStarted(true).withRestartCount(0)
          .withNewState().withNewRunning().withStartedAt(now).endRunning().endState()
          .build());
    }
    return new PodStatusBuilder()
        .withPhase("Running")
        .withHostIP("127.0.0.1")
        .withPodIP(podIp)
        .withPodIPs(new PodIPBuilder().withIp(podIp).build())
        .withStartTime(now)
        .withQosClass("BestEffort")
        .withConditions(conditions)
        .withContainerStatuses(containers)
        .build();
  }

  /**
   * A pod stopped because it ran longer than spec.activeDeadlineSeconds, as the kubelet reports it:
   * phase Failed, reason DeadlineExceeded, every container terminated.
   */
  PodStatus deadlineExceeded(Pod pod) {
    PodStatus status = pod.getStatus();
    String now = Instant.now().toString();
    status.setPhase("Failed");
    status.setReason("DeadlineExceeded");
    status.setMessage("Pod was active on the node longer than the specified deadline");
    for (PodCondition c : status.getConditions()) {
      if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
        c.setStatus("False");
        c.setReason("PodFailed");
        c.setLastTransitionTime(now);
      }
    }
    for (ContainerStatus c : status.getContainerStatuses()) {
      c.setReady(false);
      c.setStarted(false);
      c.setState(new ContainerStateBuilder().withNewTerminated().withExitCode(137)
          .withReason("Error").withFinishedAt(now).endTerminated().build());
    }
    return status;
  }

  /** A Running pod whose application container keeps failing (CrashLoopBackOff) with {@code message}. */
  PodStatus crashing(Pod pod, String message) {
    PodStatus status = pod.getStatus();
    String now = Instant.now().toString();
    for (PodCondition c : status.getConditions()) {
      if (c.getType().equals("Ready") || c.getType().equals("ContainersReady")) {
        c.setStatus("False");
        c.setReason("ContainersNotReady");
        c.setLastTransitionTime(now);
      }
    }
    for (ContainerStatus c : status.getContainerStatuses()) {
      if (!c.getName().equals("istio-proxy")) {
        c.setReady(false);
        c.setStarted(false);
        c.setRestartCount(1);
        c.setState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
            .withMessage(message).endWaiting().build());
        c.setLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(1)
            .withReason("Error").withMessage(message).withFinishedAt(now).endTerminated().build());
      }
    }
    return status;
  }
}
