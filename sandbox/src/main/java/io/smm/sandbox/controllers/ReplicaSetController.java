package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kubelet.EventRecorder;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The ReplicaSet controller: as many pods as replicas (newest deleted first), and the ReplicaSet's status. */
record ReplicaSetController(KubernetesClient client, PodTemplates pods, EventRecorder events) {

  void sync(List<Pod> allPods) {
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      sync(rs, allPods);
    }
  }

  private void sync(ReplicaSet rs, List<Pod> allPods) {
    List<Pod> owned = Owners.ownedBy(rs, allPods);
    int want = rs.getMetadata().getDeletionTimestamp() != null ? 0 : Owners.replicas(rs.getSpec().getReplicas());
    Map<String, String> extra = new HashMap<>();
    String hash = rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(Owners.POD_TEMPLATE_HASH);
    if (hash != null) {
      extra.put(Owners.POD_TEMPLATE_HASH, hash);
    }
    for (int i = owned.size(); i < want; i++) {
      pods.create(rs, rs.getSpec().getTemplate(), rs.getMetadata().getName() + "-" + pods.randomSuffix(), extra);
    }
    // Scale down newest first, as the ReplicaSet controller prefers younger pods.
    owned.stream()
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()).reversed())
        .limit(Math.max(0, owned.size() - want))
        .forEach(p -> {
          pods.delete(p);
          events.normal(rs, "replicaset-controller", "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
        });
  }

  void updateStatuses(List<Pod> allPods) {
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = Owners.ownedBy(rs, allPods);
      int ready = (int) owned.stream().filter(Owners::isReady).count();
      var status = new ReplicaSetStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withFullyLabeledReplicas(owned.size())
          .withObservedGeneration(rs.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, rs.getStatus())) {
        rs.setStatus(status);
        client.apps().replicaSets().resource(rs).updateStatus();
      }
    }
  }
}
