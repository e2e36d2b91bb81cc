package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The DaemonSet controller for a one-node cluster: exactly one pod per DaemonSet, and its status. */
record DaemonSetController(KubernetesClient client, PodTemplates pods) {

  void sync(List<Pod> allPods) {
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      if (Owners.ownedBy(ds, allPods).isEmpty()) {
        pods.create(ds, ds.getSpec().getTemplate(), ds.getMetadata().getName() + "-" + pods.randomSuffix(),
            Map.of("controller-revision-hash", Owners.templateHash(ds.getSpec().getTemplate()), "pod-template-generation", "1"));
      }
    }
  }

  void updateStatuses(List<Pod> allPods) {
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = Owners.ownedBy(ds, allPods);
      int ready = (int) owned.stream().filter(Owners::isReady).count();
      var status = new DaemonSetStatusBuilder().withDesiredNumberScheduled(1).withCurrentNumberScheduled(owned.size())
          .withNumberReady(ready).withNumberAvailable(ready).withUpdatedNumberScheduled(owned.size())
          .withNumberMisscheduled(0).withObservedGeneration(ds.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, ds.getStatus())) {
        ds.setStatus(status);
        client.apps().daemonSets().resource(ds).updateStatus();
      }
    }
  }
}
