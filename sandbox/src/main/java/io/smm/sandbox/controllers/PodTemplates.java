package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kubelet.EventRecorder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Pods made from workload templates and bound to the node (the scheduler's part: one node, so
 * binding is immediate), and deleted, with the events the controllers and scheduler record.
 */
final class PodTemplates {

  // Kubernetes' rand.String alphabet: no vowels or look-alike characters.
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private final Random random = new Random();
  private final KubernetesClient client;
  private final EventRecorder events;
  private final String nodeName;

  PodTemplates(KubernetesClient client, EventRecorder events, String nodeName) {
    this.client = client;
    this.events = events;
    this.nodeName = nodeName;
  }

  String randomSuffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Creates a pod from a template, owned (as controller) by {@code owner}, bound to the node. */
  void create(HasMetadata owner, PodTemplateSpec template, String name, Map<String, String> extraLabels) {
    Pod pod = fromTemplate(owner, template, name, extraLabels);
    // The API server runs the injection webhook on create.
    pod.getSpec().setNodeName(nodeName);
    Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    String podName = created.getMetadata().getName();
    switch (owner.getKind()) {
      case "StatefulSet" -> events.normal(owner, "statefulset-controller", "SuccessfulCreate",
          "create Pod " + podName + " in StatefulSet " + owner.getMetadata().getName() + " successful");
      case "DaemonSet" -> events.normal(owner, "daemonset-controller", "SuccessfulCreate", "Created pod: " + podName);
      default -> events.normal(owner, "replicaset-controller", "SuccessfulCreate", "Created pod: " + podName);
    }
    events.normal(created, "default-scheduler", "Scheduled",
        "Successfully assigned " + created.getMetadata().getNamespace() + "/" + podName + " to " + nodeName);
  }

  void delete(Pod pod) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    pod.getSpec().getContainers().forEach(c -> events.normal(pod, "kubelet", "Killing", "Stopping container " + c.getName()));
  }

  private static Pod fromTemplate(HasMetadata owner, PodTemplateSpec template, String name, Map<String, String> extraLabels) {
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putAll(extraLabels);
    Map<String, String> annotations = template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? Map.of() : template.getMetadata().getAnnotations();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(new HashMap<>(annotations))
        .withCreationTimestamp(Instant.now().toString())
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
            .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }
}
