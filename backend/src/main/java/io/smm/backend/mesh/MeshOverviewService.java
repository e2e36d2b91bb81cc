package io.smm.backend.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.istio.ProxyRevision;
import io.smm.backend.PartErrors;
import io.smm.backend.cluster.PodInfo;
import io.smm.backend.health.HealthScore;
import io.smm.backend.health.HealthService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import io.smm.backend.telemetry.RequestOutcome;
import io.smm.backend.telemetry.TelemetryQueries;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.Severity;
import io.smm.backend.validation.ValidationService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Mesh-wide numbers (Overview) and control planes (Mesh page): Kubernetes objects joined with the
 * Istio metrics. What Prometheus cannot answer is left NaN and named in the errors.
 */
public record MeshOverviewService(PrometheusClient prometheus, HealthService health, KubernetesClient client, ValidationService validation,
    Executor blocking) {

  /** Read generically with an explicit definition: without the CRD, discovery would fail instead of the list answering 404. */
  static final ResourceDefinitionContext ISTIO_CONTROL_PLANE = new ResourceDefinitionContext.Builder()
      .withGroup("servicemesh.cisco.com").withVersion("v1alpha1").withKind("IstioControlPlane").withPlural("istiocontrolplanes")
      .withNamespaced(true).build();

  public CompletableFuture<MeshOverview> overview(Duration window) {
    return overview(window, Set.of());
  }

  /** Whether Prometheus evaluates the mesh's recording rules (Mesh page); unavailable with the reason when it cannot say. */
  public CompletableFuture<RecordingRulesStatus> recordingRules() {
    return prometheus.recordingRules().thenApply(RecordingRulesStatus::of)
        .exceptionally(e -> RecordingRulesStatus.unavailable(PartErrors.messageOf(e)));
  }

  /**
   * The overview of the namespaces given (all when empty): for a user who may read only some, the
   * traffic from and to those, and what runs in them.
   */
  public CompletableFuture<MeshOverview> overview(Duration window, Set<String> namespaces) {
    PartErrors errors = new PartErrors();
    Instant now = Instant.now();
    CompletableFuture<List<Sample>> outcomes = prometheus.instant(TelemetryQueries.meshOutcomes(namespaces, window), now)
        .exceptionally(e -> {
          errors.add("request rates", e);
          return List.of();
        });
    CompletableFuture<List<Sample>> p95 = prometheus.instant(TelemetryQueries.meshP95(namespaces, window), now)
        .exceptionally(e -> {
          errors.add("latency", e);
          return List.of();
        });
    // Empty when health is switched off; the switch is read once, with the timelines.
    CompletableFuture<Optional<Map<String, Integer>>> statuses = health.timelinesIfEnabled(namespaces, HealthService.Span.at(now))
        .thenApply(t -> t.map(MeshOverviewService::latestServiceStatuses))
        .exceptionally(e -> {
          errors.add("health", e);
          return Optional.of(Map.of());
        });
    CompletableFuture<Counts> counts = CompletableFuture.supplyAsync(() -> counts(namespaces), blocking);
    return CompletableFuture.allOf(outcomes, p95, statuses, counts).thenApply(ignored -> {
      double rps = 0;
      double failed = 0;
      for (Sample s : outcomes.join()) {
        rps += s.value();
        failed += RequestOutcome.isError(s.labels()) ? s.value() : 0;
      }
      boolean ratesKnown = !errors.failed("request rates");
      double latency = p95.join().isEmpty() ? Double.NaN : p95.join().get(0).value();
      Counts c = counts.join();
      return new MeshOverview(ratesKnown ? rps : Double.NaN, ratesKnown && rps > 0 ? failed / rps : ratesKnown ? 0 : Double.NaN,
          latency, 1, c.services(), c.workloads(), c.pods(), validationIssues(namespaces), statuses.join().orElse(Map.of()), statuses.join().isPresent(), errors.list());
    });
  }

  /** How many services are in each health status at the latest step. */
  private static Map<String, Integer> latestServiceStatuses(Map<String, List<HealthScore>> timelines) {
    Map<String, Integer> counts = new TreeMap<>();
    timelines.forEach((id, timeline) -> {
      if (id.startsWith("service:") && !timeline.isEmpty()) {
        counts.merge(timeline.get(timeline.size() - 1).status().name(), 1, Integer::sum);
      }
    });
    return counts;
  }

  /**
   * Errors and warnings of the latest background validation about the namespaces (all when empty);
   * infos (a namespace without injection, a port name) are advice, not issues.
   */
  private int validationIssues(Set<String> namespaces) {
    return (int) validation.latest().findings().stream().filter(f -> f.severity() != Severity.INFO)
        .filter(f -> namespaces.isEmpty() || namespaces.stream().anyMatch(ns -> AnalysisReport.isAbout(f, ns))).count();
  }

  private record Counts(MeshOverview.InMesh services, MeshOverview.InMesh workloads, MeshOverview.InMesh pods) {}

  /** In the mesh = has an istio-proxy sidecar (pods), is behind such pods (services), or owns them (workloads). */
  private Counts counts(Set<String> namespaces) {
    Predicate<HasMetadata> in = o -> namespaces.isEmpty()
        || namespaces.contains(o.getMetadata().getNamespace());
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems().stream().filter(in).toList();
    int meshedPods = 0;
    Set<String> meshedWorkloads = new HashSet<>();
    Set<String> allWorkloads = new HashSet<>();
    for (Pod p : pods) {
      boolean meshed = PodInfo.hasSidecar(p);
      meshedPods += meshed ? 1 : 0;
      String workload = p.getMetadata().getNamespace() + "/" + workloadOf(p);
      allWorkloads.add(workload);
      if (meshed) {
        meshedWorkloads.add(workload);
      }
    }
    int services = 0;
    int meshedServices = 0;
    for (Service s : client.services().inAnyNamespace().list().getItems().stream().filter(in).toList()) {
      services++;
      Map<String, String> selector = s.getSpec().getSelector();
      if (selector != null && !selector.isEmpty() && pods.stream().anyMatch(p -> PodInfo.hasSidecar(p)
          && p.getMetadata().getNamespace().equals(s.getMetadata().getNamespace()) && p.getMetadata().getLabels() != null
          && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))) {
        meshedServices++;
      }
    }
    return new Counts(new MeshOverview.InMesh(meshedServices, services), new MeshOverview.InMesh(meshedWorkloads.size(),
        allWorkloads.size()), new MeshOverview.InMesh(meshedPods, pods.size()));
  }

  /**
   * The IstioControlPlanes with their proxies and what the proxies use now (over the last
   * minute); none when the CRD is not installed. Without Prometheus the usage is NaN.
   */
  public CompletableFuture<List<ControlPlaneInfo>> controlPlanes() {
    Instant now = Instant.now();
    CompletableFuture<Map<String, Double>> cpu = perPod(TelemetryQueries.proxyCpuCoresByPod(Duration.ofMinutes(1)), now);
    CompletableFuture<Map<String, Double>> memory = perPod(TelemetryQueries.proxyMemoryBytesByPod(), now);
    return CompletableFuture.supplyAsync(this::listControlPlanes, blocking).thenCombine(cpu.thenCombine(memory, ProxyUsage::new),
        (planes, usage) -> planes.stream().map(cp -> withUsage(cp, usage.cpu(), usage.memory())).toList());
  }

  /** namespace/pod -> CPU cores and working-set bytes of the sidecars; a map is null when Prometheus could not answer. */
  private record ProxyUsage(Map<String, Double> cpu, Map<String, Double> memory) {
  }

  /** namespace/pod -> value; null when Prometheus could not answer. */
  private CompletableFuture<Map<String, Double>> perPod(String promql, Instant at) {
    return prometheus.instant(promql, at).thenApply(samples -> {
      Map<String, Double> out = new HashMap<>();
      samples.forEach(s -> out.put(s.label("namespace") + "/" + s.label("pod"), s.value()));
      return out;
    }).exceptionally(e -> null);
  }

  private static ControlPlaneInfo withUsage(Listed cp, Map<String, Double> cpu, Map<String, Double> memory) {
    ControlPlaneInfo i = cp.info();
    return new ControlPlaneInfo(i.name(), i.namespace(), i.revision(), i.version(), i.status(), i.proxies(), i.proxiesNotReady(),
        sum(cp.proxyPods(), cpu), sum(cp.proxyPods(), memory), i.outboundTrafficPolicy(), i.autoMtls());
  }

  private static double sum(Set<String> pods, Map<String, Double> values) {
    return values == null ? Double.NaN : pods.stream().mapToDouble(p -> values.getOrDefault(p, 0.0)).sum();
  }

  /** A control plane as Kubernetes describes it, and its proxies' pods (namespace/name). */
  private record Listed(ControlPlaneInfo info, Set<String> proxyPods) {}

  private List<Listed> listControlPlanes() {
    List<GenericKubernetesResource> icps;
    try {
      icps = client.genericKubernetesResources(ISTIO_CONTROL_PLANE).inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    List<Listed> out = new ArrayList<>();
    for (GenericKubernetesResource icp : icps) {
      JsonNode spec = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().getOrDefault("spec", Map.of()));
      JsonNode status = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().getOrDefault("status", Map.of()));
      String revision = icp.getMetadata().getName() + "." + icp.getMetadata().getNamespace();
      Set<String> proxyPods = new HashSet<>();
      int notReady = 0;
      for (Pod p : pods) {
        String podRevision = ProxyRevision.of(p.getMetadata().getLabels(), p.getMetadata().getAnnotations());
        if (PodInfo.hasSidecar(p) && revision.equals(podRevision)) {
          proxyPods.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
          notReady += proxyReady(p) ? 0 : 1;
        }
      }
      JsonNode mesh = spec.path("meshConfig");
      out.add(new Listed(new ControlPlaneInfo(icp.getMetadata().getName(), icp.getMetadata().getNamespace(), revision,
          spec.path("version").asText(""), status.path("status").asText("Unknown"), proxyPods.size(), notReady, Double.NaN,
          Double.NaN, mesh.at("/outboundTrafficPolicy/mode").asText("ALLOW_ANY"), mesh.path("enableAutoMtls").asBoolean(true)),
          proxyPods));
    }
    out.sort(Comparator.comparing(l -> l.info().revision()));
    return out;
  }

  private static boolean proxyReady(Pod p) {
    return p.getStatus() != null && p.getStatus().getContainerStatuses() != null && p.getStatus().getContainerStatuses().stream()
        .anyMatch(c -> c.getName().equals("istio-proxy") && Boolean.TRUE.equals(c.getReady()));
  }

  /** The owning controller's name, minus a ReplicaSet's pod-template-hash, as Istio names workloads. */
  private static String workloadOf(Pod p) {
    var refs = p.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return p.getMetadata().getName();
    }
    String owner = refs.get(0).getName();
    String hash = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get("pod-template-hash");
    return "ReplicaSet".equals(refs.get(0).getKind()) && hash != null && owner.endsWith("-" + hash)
        ? owner.substring(0, owner.length() - hash.length() - 1) : owner;
  }

}
