package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.Set;

/** The cluster's garbage collector for workloads: ReplicaSets and Pods whose controller no longer exists (foreground-free). */
record GarbageCollector(KubernetesClient client, PodTemplates pods) {

  private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet");

  void collect() {
    Set<String> liveOwners = new HashSet<>();
    client.apps().deployments().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    client.apps().statefulSets().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    client.apps().daemonSets().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      if (orphaned(rs, liveOwners)) {
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).delete();
      } else {
        liveOwners.add(rs.getMetadata().getUid());
      }
    }
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      if (orphaned(p, liveOwners)) {
        pods.delete(p);
      }
    }
  }

  private static boolean orphaned(HasMetadata obj, Set<String> liveOwners) {
    OwnerReference controller = Owners.controllerOf(obj);
    return controller != null && WORKLOAD_KINDS.contains(controller.getKind()) && !liveOwners.contains(controller.getUid());
  }
}
