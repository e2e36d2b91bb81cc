package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.Map;

/**
 * A WorkloadEntry (a VM) as istiod's EDS uses it, parsed once per configuration refresh
 * ({@link MeshResources}), not per request: the entry as a pod (its labels, the VM's host name as
 * the pod name — the seed's "the name of the pod is the hostname of the VM" —, its address as the
 * pod IP, the WorkloadGroup's ports, an istio-proxy beside them: mTLS capable and scraped on 15090,
 * owned by its WorkloadGroup, which names its workload), whether its Healthy condition lets it
 * have traffic, whether it is being deleted, and where its ports listen (its address: the VM's sidecar is reached over the wire).
 */
public record WorkloadEntryView(String key, Pod pod, boolean healthy, boolean deleting, Map<Integer, String> listeners) {

  static WorkloadEntryView of(GenericKubernetesResource entry) {
    JsonNode json = Serialization.jsonMapper().valueToTree(entry.getAdditionalProperties());
    JsonNode spec = json.path("spec");
    Map<String, String> labels = new HashMap<>(entry.getMetadata().getLabels() == null ? Map.of() : entry.getMetadata().getLabels());
    spec.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
    labels.put("security.istio.io/tlsMode", "istio");
    String address = spec.path("address").asText("");
    String group = entry.getMetadata().getAnnotations() == null ? null : entry.getMetadata().getAnnotations().get("istio.io/autoRegistrationGroup");
    ContainerBuilder app = new ContainerBuilder().withName("vm");
    Map<Integer, String> listeners = new HashMap<>();
    spec.path("ports").fields().forEachRemaining(p -> {
      app.addNewPort().withName(p.getKey()).withContainerPort(p.getValue().asInt()).endPort();
      listeners.put(p.getValue().asInt(), address + ":" + p.getValue().asInt());
    });
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(labels.getOrDefault("hostname", entry.getMetadata().getName()))
        .withNamespace(entry.getMetadata().getNamespace()).withLabels(labels).withUid(entry.getMetadata().getUid())
        .addToAnnotations("smm.cisco.com/workload-entry", entry.getMetadata().getName()).endMetadata()
        .withNewSpec().withServiceAccountName(spec.path("serviceAccount").asText("default"))
        .addToContainers(app.build(), new ContainerBuilder().withName("istio-proxy").withImage("istio/proxyv2").build()).endSpec()
        .withNewStatus().withPhase("Running").withPodIP(address).endStatus();
    if (group != null) {
      pod.editMetadata().addNewOwnerReference().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup")
          .withName(group).endOwnerReference().endMetadata();
    }
    return new WorkloadEntryView(entry.getMetadata().getNamespace() + "/" + entry.getMetadata().getName() + "@"
        + entry.getMetadata().getResourceVersion(), pod.build(), healthy(json), entry.getMetadata().getDeletionTimestamp() != null,
        Map.copyOf(listeners));
  }

  /** Health checks on: an entry whose Healthy condition is False gets no traffic; no condition yet counts as healthy. */
  private static boolean healthy(JsonNode entry) {
    for (JsonNode c : entry.at("/status/conditions")) {
      if ("Healthy".equals(c.path("type").asText())) {
        return !"False".equals(c.path("status").asText());
      }
    }
    return true;
  }

  /** Whether the Service (and a subset's labels) selects this entry and it may get traffic: Istio selects WorkloadEntries as it does pods. */
  public boolean endpointOf(Service service, Map<String, String> subsetLabels) {
    Map<String, String> selector = service.getSpec().getSelector();
    Map<String, String> labels = pod.getMetadata().getLabels();
    return healthy && !deleting && selector != null && !selector.isEmpty() && service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
        && labels.entrySet().containsAll(selector.entrySet()) && labels.entrySet().containsAll(subsetLabels.entrySet());
  }
}
