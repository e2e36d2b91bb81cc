package io.smm.backend.egress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.backend.istio.IstioConfigKinds;
import io.smm.backend.istio.ResourceYaml;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * `smm sidecar-proxy egress recommend` (seed 2.7.2.6): a Sidecar resource limiting a workload's (or
 * a namespace's) outbound configuration to what it called in the window, read from the source
 * reporter's Istio metrics (HTTP/gRPC requests and TCP connections). A workload gets each
 * service it called ({@code ./host} in its own namespace, {@code ns/host} elsewhere); a namespace
 * gets the namespaces its workloads called ({@code ./*}, {@code ns/*}). Calls that left the
 * mesh's registry (PassthroughCluster, unknown) cannot be expressed as hosts and are left out, so
 * a recommendation is only as complete as the window's traffic.
 */
public final class EgressRecommender {

  private final KubernetesClient client;
  private final PrometheusClient prometheus;

  public EgressRecommender(KubernetesClient client, PrometheusClient prometheus) {
    this.client = client;
    this.prometheus = prometheus;
  }

  public CompletableFuture<EgressRecommendation> recommend(String namespace, String workload, Duration window) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("namespace is required");
    }
    String scope = TelemetryQueries.eq("source_workload_namespace", namespace)
        + (workload == null || workload.isBlank() ? "" : "," + TelemetryQueries.eq("source_workload", workload));
    String range = "[" + window.toSeconds() + "s]";
    String by = "sum by (destination_service, destination_service_namespace) ";
    String query = by + "(increase(istio_requests_total{reporter=\"source\"," + scope + "}" + range + ")) > 0 or "
        + by + "(increase(istio_tcp_connections_opened_total{reporter=\"source\"," + scope + "}" + range + ")) > 0";
    return prometheus.instant(query, Instant.now()).thenApply(samples -> build(namespace, workload, samples));
  }

  private EgressRecommendation build(String namespace, String workload, List<Sample> samples) {
    boolean forWorkload = workload != null && !workload.isBlank();
    TreeSet<String> hosts = new TreeSet<>();
    for (Sample s : samples) {
      String host = s.label("destination_service");
      String hostNamespace = s.label("destination_service_namespace");
      if (host.isEmpty() || hostNamespace.isEmpty() || hostNamespace.equals("unknown") || !host.contains(".")) {
        continue; // outside the registry: nothing a Sidecar host can name
      }
      String prefix = hostNamespace.equals(namespace) ? "." : hostNamespace;
      hosts.add(prefix + "/" + (forWorkload ? host : "*"));
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no outbound calls from " + (forWorkload ? namespace + "/" + workload : "namespace " + namespace)
          + " to services of the mesh in the window: nothing to recommend (a Sidecar allowing nothing would cut every call)");
    }
    Map<String, String> selector = forWorkload ? selector(namespace, workload) : Map.of();
    String name = forWorkload ? workload : "default";
    GenericKubernetesResource existing = client.genericKubernetesResources(IstioConfigKinds.context(IstioConfigKinds.require("Sidecar")))
        .inNamespace(namespace).withName(name).get();
    ObjectNode sidecar = Serialization.jsonMapper().createObjectNode();
    sidecar.put("apiVersion", "networking.istio.io/v1beta1").put("kind", "Sidecar");
    ObjectNode meta = sidecar.putObject("metadata").put("name", name).put("namespace", namespace);
    if (existing != null) {
      meta.put("resourceVersion", existing.getMetadata().getResourceVersion());
    }
    ObjectNode spec = sidecar.putObject("spec");
    if (!selector.isEmpty()) {
      ObjectNode labels = spec.putObject("workloadSelector").putObject("labels");
      selector.forEach(labels::put);
    }
    var list = spec.putArray("egress").addObject().putArray("hosts");
    hosts.forEach(list::add);
    String yaml = ResourceYaml.write(sidecar);
    return new EgressRecommendation(namespace, forWorkload ? workload : null, name, selector, new ArrayList<>(hosts), yaml,
        existing != null);
  }

  /**
   * The Sidecar's workloadSelector: the pods' app and version labels (Istio's canonical ones, as
   * the seed shows) when the pod template has both, else the workload's own selector.
   */
  private Map<String, String> selector(String namespace, String workload) {
    LabelSelector selector = null;
    Map<String, String> podLabels = null;
    var deployment = client.apps().deployments().inNamespace(namespace).withName(workload).get();
    if (deployment != null) {
      selector = deployment.getSpec().getSelector();
      podLabels = deployment.getSpec().getTemplate() == null ? null : deployment.getSpec().getTemplate().getMetadata().getLabels();
    } else {
      var statefulSet = client.apps().statefulSets().inNamespace(namespace).withName(workload).get();
      if (statefulSet != null) {
        selector = statefulSet.getSpec().getSelector();
        podLabels = statefulSet.getSpec().getTemplate() == null ? null : statefulSet.getSpec().getTemplate().getMetadata().getLabels();
      }
    }
    if (podLabels != null && podLabels.containsKey("app") && podLabels.containsKey("version")) {
      return new LinkedHashMap<>(Map.of("app", podLabels.get("app"), "version", podLabels.get("version")));
    }
    if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
      throw new IllegalArgumentException("workload " + namespace + "/" + workload + " not found (a Deployment or StatefulSet with a selector)");
    }
    return new LinkedHashMap<>(selector.getMatchLabels());
  }
}
