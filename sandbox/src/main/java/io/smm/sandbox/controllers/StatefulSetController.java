package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The StatefulSet controller: pods NAME-0 .. NAME-(replicas-1), and the StatefulSet's status. */
record StatefulSetController(KubernetesClient client, PodTemplates pods) {

  void sync(List<Pod> allPods) {
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      sync(sts, allPods);
    }
  }

  private void sync(StatefulSet sts, List<Pod> allPods) {
    List<Pod> owned = Owners.ownedBy(sts, allPods);
    int want = Owners.replicas(sts.getSpec().getReplicas());
    String name = sts.getMetadata().getName();
    String revision = name + "-" + Owners.templateHash(sts.getSpec().getTemplate());
    Set<String> existing = new HashSet<>();
    owned.forEach(p -> existing.add(p.getMetadata().getName()));
    for (int ordinal = 0; ordinal < want; ordinal++) {
      String podName = name + "-" + ordinal;
      if (!existing.contains(podName)) {
        pods.create(sts, sts.getSpec().getTemplate(), podName, Map.of(
            "statefulset.kubernetes.io/pod-name", podName,
            "controller-revision-hash", revision,
            "apps.kubernetes.io/pod-index", Integer.toString(ordinal)));
      }
    }
    for (Pod p : owned) {
      String suffix = p.getMetadata().getName().substring(name.length() + 1);
      if (!suffix.matches("\\d+") || Integer.parseInt(suffix) >= want) {
        pods.delete(p);
      }
    }
  }

  void updateStatuses(List<Pod> allPods) {
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = Owners.ownedBy(sts, allPods);
      int ready = (int) owned.stream().filter(Owners::isReady).count();
      var status = new StatefulSetStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withCurrentReplicas(owned.size()).withUpdatedReplicas(owned.size())
          .withObservedGeneration(sts.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, sts.getStatus())) {
        sts.setStatus(status);
        client.apps().statefulSets().resource(sts).updateStatus();
      }
    }
  }
}
