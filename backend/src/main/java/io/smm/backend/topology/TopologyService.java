package io.smm.backend.topology;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The topology for a time (now = LIVE, or any past instant = TIMELINE) and window: the
 * {@link MeshQueries} run concurrently against Prometheus, joined with the workloads Kubernetes
 * knows in the selected namespaces (shown idle without traffic). A failed query leaves its part
 * out and is named in {@link Topology#errors()}; the rest is still answered.
 */
public final class TopologyService {

  private final PrometheusClient prometheus;
  private final KubernetesClient client;
  private final String cluster;
  private final Executor blocking;

  public TopologyService(PrometheusClient prometheus, KubernetesClient client, String cluster, Executor blocking) {
    this.prometheus = prometheus;
    this.client = client;
    this.cluster = cluster;
    this.blocking = blocking;
  }

  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes) {
    return topology(namespaces, time, window, idleNodes, false);
  }

  /** @param byApp one node per app (all versions) instead of per workload */
  public CompletableFuture<Topology> topology(Set<String> namespaces, Instant time, Duration window, boolean idleNodes, boolean byApp) {
    Instant at = time == null ? Instant.now() : time;
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    TopologyBuilder builder = new TopologyBuilder(cluster, byApp);
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    parts.add(part("request rates", MeshQueries.requestRates(namespaces, window), at, builder::requests, errors));
    parts.add(part("latency", MeshQueries.durationBuckets(namespaces, window), at, builder::durationBucket, errors));
    parts.add(part("TCP bytes sent", MeshQueries.tcpBytes("sent", namespaces, window), at, builder::tcpSent, errors));
    parts.add(part("TCP bytes received", MeshQueries.tcpBytes("received", namespaces, window), at, builder::tcpReceived, errors));
    parts.add(part("mTLS", MeshQueries.security(namespaces, window), at, builder::security, errors));
    CompletableFuture<List<KnownWorkload>> known = idleNodes
        ? CompletableFuture.supplyAsync(() -> knownWorkloads(namespaces), blocking).exceptionally(e -> {
          errors.add("Kubernetes workloads: " + rootMessage(e));
          return List.of();
        })
        : CompletableFuture.completedFuture(List.of());
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenCombine(known, (ignored, workloads) -> {
      // Builders are not thread-safe: results were applied one query at a time (see part()).
      workloads.forEach(builder::known);
      return builder.build(at, window, errors);
    });
  }

  private final Object apply = new Object();

  private CompletableFuture<Void> part(String what, String promql, Instant at, java.util.function.Consumer<Sample> sink,
      List<String> errors) {
    return prometheus.instant(promql, at).handle((samples, e) -> {
      if (e != null) {
        errors.add(what + ": " + rootMessage(e));
        return null;
      }
      synchronized (apply) {
        samples.forEach(sink);
      }
      return null;
    });
  }

  /** Deployments, StatefulSets and DaemonSets of the namespaces (all when none are selected), named as Istio names workloads. */
  List<KnownWorkload> knownWorkloads(Set<String> namespaces) {
    List<KnownWorkload> out = new ArrayList<>();
    BiConsumer<HasMetadata, PodTemplateSpec> add = (w, template) -> {
      Map<String, String> labels = template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
          ? Map.of() : template.getMetadata().getLabels();
      out.add(new KnownWorkload(cluster, w.getMetadata().getNamespace(), w.getMetadata().getName(),
          labels.getOrDefault("app", ""), labels.getOrDefault("version", "")));
    };
    if (namespaces.isEmpty()) {
      client.apps().deployments().inAnyNamespace().list().getItems().forEach(d -> add.accept(d, d.getSpec().getTemplate()));
      client.apps().statefulSets().inAnyNamespace().list().getItems().forEach(s -> add.accept(s, s.getSpec().getTemplate()));
      client.apps().daemonSets().inAnyNamespace().list().getItems().forEach(s -> add.accept(s, s.getSpec().getTemplate()));
      return out;
    }
    for (String ns : namespaces) {
      client.apps().deployments().inNamespace(ns).list().getItems().forEach(d -> add.accept(d, d.getSpec().getTemplate()));
      client.apps().statefulSets().inNamespace(ns).list().getItems().forEach(s -> add.accept(s, s.getSpec().getTemplate()));
      client.apps().daemonSets().inNamespace(ns).list().getItems().forEach(s -> add.accept(s, s.getSpec().getTemplate()));
    }
    return out;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
