package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster's garbage collector, for what the sandbox's objects own: ReplicaSets and Pods whose
 * controller no longer exists, and Istio Gateways and VirtualServices all of whose Ingress owners
 * are gone (the Let's Encrypt challenge routes); background deletion, no foreground.
 */
record GarbageCollector(KubernetesClient client, PodTemplates pods) {

  private static final List<String> ISTIO_KINDS = List.of("Gateway", "VirtualService");

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
    collectOwnedByIngresses();
  }

  private void collectOwnedByIngresses() {
    Set<String> ingresses = new HashSet<>();
    client.network().v1().ingresses().inAnyNamespace().list().getItems().forEach(i -> ingresses.add(i.getMetadata().getUid()));
    for (String kind : ISTIO_KINDS) {
      List<GenericKubernetesResource> items;
      try {
        items = client.genericKubernetesResources("networking.istio.io/v1beta1", kind).inAnyNamespace().list().getItems();
      } catch (KubernetesClientException noSuchKind) {
        continue; // Istio's CRDs are not installed
      }
      for (GenericKubernetesResource r : items) {
        List<OwnerReference> owners = r.getMetadata().getOwnerReferences();
        if (owners != null && !owners.isEmpty() && owners.stream().allMatch(o -> "Ingress".equals(o.getKind()) && !ingresses.contains(o.getUid()))) {
          client.genericKubernetesResources("networking.istio.io/v1beta1", kind).inNamespace(r.getMetadata().getNamespace())
              .withName(r.getMetadata().getName()).delete();
        }
      }
    }
  }

  private static boolean orphaned(HasMetadata obj, Set<String> liveOwners) {
    OwnerReference controller = Owners.controllerOf(obj);
    return controller != null && WORKLOAD_KINDS.contains(controller.getKind()) && !liveOwners.contains(controller.getUid());
  }
}
