package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.MeshIdentity;
import io.smm.sandbox.envoy.RemoteEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * istiod's view of VMs: every WorkloadEntry is an endpoint of the Kubernetes Services whose
 * selector its labels match (Istio selects WorkloadEntries with a Service's selector, as it does
 * pods), at its address and the WorkloadGroup's ports, left out while its Healthy condition is
 * False (health checks on). Its sidecar runs on the VM: it is reached over the wire at
 * {@code address:port}, as a pod of another cluster is. For Prometheus it is a target like a pod
 * whose name is the VM's host name (the seed's "the name of the pod is the hostname of the VM").
 */
public final class WorkloadEntries implements AutoCloseable {

  private final KubernetesClient client;
  private final String cluster;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("istiod-workload-entries"));
  /** The entries as last listed; read every second (the kind may not exist yet: Istio's CRDs come with the install). */
  private volatile List<GenericKubernetesResource> current = List.of();

  public WorkloadEntries(KubernetesClient client, String cluster) {
    this.client = client;
    this.cluster = cluster;
    loop.scheduleWithFixedDelay(this::refresh, 0, 1, TimeUnit.SECONDS);
  }

  private void refresh() {
    try {
      current = client.genericKubernetesResources(WorkloadAutoRegistration.WG_API, "WorkloadEntry").inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        current = List.of();
      }
    } catch (RuntimeException e) {
      // the API server is going away; the next round tries again
    }
  }

  /** Reads the entries now rather than within a second (tests). */
  public void refreshNow() {
    refresh();
  }

  /** The healthy WorkloadEntries behind a Service (and a subset's labels), as endpoints, by name. */
  public List<RemoteEndpoint> endpoints(Service service, Map<String, String> subsetLabels) {
    if (service == null || service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty()) {
      return List.of();
    }
    List<RemoteEndpoint> out = new ArrayList<>();
    for (GenericKubernetesResource e : current) {
      Pod pod = asPod(e);
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (!service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()) || e.getMetadata().getDeletionTimestamp() != null
          || !labels.entrySet().containsAll(service.getSpec().getSelector().entrySet())
          || !labels.entrySet().containsAll(subsetLabels.entrySet()) || !healthy(e)) {
        continue;
      }
      Map<Integer, String> listeners = new HashMap<>();
      pod.getSpec().getContainers().get(0).getPorts().forEach(p -> listeners.put(p.getContainerPort(),
          pod.getStatus().getPodIP() + ":" + p.getContainerPort()));
      out.add(new RemoteEndpoint(pod, service, MeshIdentity.of(pod, cluster), listeners));
    }
    out.sort(Comparator.comparing(r -> r.pod().getMetadata().getName()));
    return out;
  }

  /** Every VM, as the pod Prometheus scrapes at its address (its sidecar's 15090). */
  public List<Pod> pods() {
    return current.stream().filter(e -> e.getMetadata().getDeletionTimestamp() == null).map(WorkloadEntries::asPod)
        .toList();
  }

  /** Health checks on: an entry whose Healthy condition is False gets no traffic; no condition yet counts as healthy. */
  static boolean healthy(GenericKubernetesResource entry) {
    JsonNode status = Serialization.jsonMapper().valueToTree(entry.getAdditionalProperties().getOrDefault("status", Map.of()));
    for (JsonNode c : status.path("conditions")) {
      if ("Healthy".equals(c.path("type").asText())) {
        return !"False".equals(c.path("status").asText());
      }
    }
    return true;
  }

  /**
   * The entry as a pod: its labels, the host name as the pod name, its address as the pod IP, the
   * group's ports on an application container and an istio-proxy beside it (it has a sidecar:
   * mTLS capable, scraped on 15090), owned by its WorkloadGroup, which names its workload.
   */
  static Pod asPod(GenericKubernetesResource entry) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(entry.getAdditionalProperties().getOrDefault("spec", Map.of()));
    Map<String, String> labels = new HashMap<>(entry.getMetadata().getLabels() == null ? Map.of() : entry.getMetadata().getLabels());
    spec.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
    labels.put("security.istio.io/tlsMode", "istio");
    String group = entry.getMetadata().getAnnotations() == null ? null : entry.getMetadata().getAnnotations().get("istio.io/autoRegistrationGroup");
    ContainerBuilder app = new ContainerBuilder().withName("vm");
    spec.path("ports").fields().forEachRemaining(p -> app.addNewPort().withName(p.getKey()).withContainerPort(p.getValue().asInt()).endPort());
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(labels.getOrDefault("hostname", entry.getMetadata().getName()))
        .withNamespace(entry.getMetadata().getNamespace()).withLabels(labels).withUid(entry.getMetadata().getUid())
        .addToAnnotations("smm.cisco.com/workload-entry", entry.getMetadata().getName()).endMetadata()
        .withNewSpec().withServiceAccountName(spec.path("serviceAccount").asText("default"))
        .addToContainers(app.build(), new ContainerBuilder().withName("istio-proxy").withImage("istio/proxyv2").build()).endSpec()
        .withNewStatus().withPhase("Running").withPodIP(spec.path("address").asText("")).endStatus();
    if (group != null) {
      pod.editMetadata().addNewOwnerReference().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup")
          .withName(group).endOwnerReference().endMetadata();
    }
    return pod.build();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
