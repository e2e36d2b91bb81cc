package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.kubelet.EventRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Deployment controller: one ReplicaSet per template revision (named by its hash, as
 * RollingUpdate leaves old revisions at zero replicas), and the Deployment's status from its pods.
 */
record DeploymentController(KubernetesClient client, EventRecorder events) {

  void sync() {
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      sync(d);
    }
  }

  private void sync(Deployment d) {
    if (d.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String hash = Owners.templateHash(d.getSpec().getTemplate());
    String rsName = d.getMetadata().getName() + "-" + hash;
    int replicas = Owners.replicas(d.getSpec().getReplicas());
    List<ReplicaSet> owned = Owners.ownedBy(d, client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).list().getItems());
    ReplicaSet current = owned.stream().filter(rs -> rs.getMetadata().getName().equals(rsName)).findFirst().orElse(null);
    if (current == null) {
      PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
      template.getMetadata().getLabels().put(Owners.POD_TEMPLATE_HASH, hash);
      var selector = Serialization.clone(d.getSpec().getSelector());
      if (selector.getMatchLabels() == null) {
        selector.setMatchLabels(new HashMap<>());
      }
      selector.getMatchLabels().put(Owners.POD_TEMPLATE_HASH, hash);
      Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
      client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(new ReplicaSetBuilder()
          .withNewMetadata().withName(rsName).withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
          .withCreationTimestamp(Instant.now().toString())
          .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(owned.size() + 1))
          .withOwnerReferences(Owners.controllerRef(d)).endMetadata()
          .withNewSpec().withReplicas(replicas).withSelector(selector).withTemplate(template).endSpec()
          .build()).create();
      events.normal(d, "deployment-controller", "ScalingReplicaSet", "Scaled up replica set " + rsName + " to " + replicas);
    } else if (Owners.replicas(current.getSpec().getReplicas()) != replicas) {
      scale(d, current, replicas);
    }
    // Old revisions are kept at zero replicas, as the RollingUpdate strategy leaves them.
    for (ReplicaSet old : owned) {
      if (!old.getMetadata().getName().equals(rsName) && Owners.replicas(old.getSpec().getReplicas()) != 0) {
        scale(d, old, 0);
      }
    }
  }

  private void scale(Deployment d, ReplicaSet rs, int replicas) {
    int from = Owners.replicas(rs.getSpec().getReplicas());
    client.apps().replicaSets().resource(rs).edit(r -> {
      r.getSpec().setReplicas(replicas);
      return r;
    });
    events.normal(d, "deployment-controller", "ScalingReplicaSet", "Scaled " + (replicas > from ? "up" : "down") + " replica set "
        + rs.getMetadata().getName() + " from " + from + " to " + replicas);
  }

  void updateStatuses(List<Pod> allPods) {
    List<ReplicaSet> allRs = client.apps().replicaSets().inAnyNamespace().list().getItems();
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      String hash = Owners.templateHash(d.getSpec().getTemplate());
      List<Pod> owned = new ArrayList<>();
      int updated = 0;
      for (ReplicaSet rs : Owners.ownedBy(d, allRs)) {
        List<Pod> rsPods = Owners.ownedBy(rs, allPods);
        owned.addAll(rsPods);
        if (rs.getMetadata().getName().endsWith("-" + hash)) {
          updated += rsPods.size();
        }
      }
      int ready = (int) owned.stream().filter(Owners::isReady).count();
      int want = Owners.replicas(d.getSpec().getReplicas());
      boolean available = ready >= want;
      var previous = d.getStatus();
      var status = new DeploymentStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withUpdatedReplicas(updated).withUnavailableReplicas(Math.max(0, want - ready))
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withConditions(new DeploymentConditionBuilder().withType("Available").withStatus(available ? "True" : "False")
              .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
              .withMessage(available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")
              .build())
          .build();
      if (previous == null || !sameCounts(previous, status)) {
        d.setStatus(status);
        client.apps().deployments().resource(d).updateStatus();
      }
    }
  }

  private static boolean sameCounts(DeploymentStatus a, DeploymentStatus b) {
    return Objects.equals(a.getReplicas(), b.getReplicas()) && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
        && Objects.equals(a.getUpdatedReplicas(), b.getUpdatedReplicas())
        && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
  }
}
