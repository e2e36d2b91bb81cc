package io.smm.sandbox.prometheus;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Turns pods into Prometheus file_sd target groups, as Kubernetes service discovery with Istio's
 * relabelling would: pods annotated prometheus.io/scrape=true (port/path from prometheus.io/port
 * and prometheus.io/path, default /metrics) in job "kubernetes-pods", and every pod with an
 * istio-proxy container on 15090 /stats/prometheus in job "envoy-stats". Labels: namespace, pod,
 * and the pod's labels with names sanitised as Prometheus' labelmap does.
 */
public final class ScrapeTargets {

  public static final int ENVOY_STATS_PORT = 15090;

  /** A file_sd target group. */
  public record TargetGroup(List<String> targets, Map<String, String> labels) {}

  private final BiFunction<Pod, Integer, String> address;

  /**
   * @param address where port N of a pod is reachable from Prometheus (host:port); in the sandbox
   *     pods run in-process, so the pod runtime decides
   */
  public ScrapeTargets(BiFunction<Pod, Integer, String> address) {
    this.address = address;
  }

  public List<TargetGroup> of(List<Pod> pods) {
    List<TargetGroup> groups = new ArrayList<>();
    pods.stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()))
        .forEach(pod -> {
          Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
          if ("true".equals(annotations.get("prometheus.io/scrape"))) {
            Integer port = annotatedPort(pod, annotations.get("prometheus.io/port"));
            if (port != null) {
              groups.add(group(pod, "kubernetes-pods", port, annotations.getOrDefault("prometheus.io/path", "/metrics")));
            }
          }
          if (hasSidecar(pod)) {
            groups.add(group(pod, "envoy-stats", ENVOY_STATS_PORT, "/stats/prometheus"));
          }
        });
    return groups;
  }

  private TargetGroup group(Pod pod, String job, int port, String path) {
    Map<String, String> labels = new TreeMap<>();
    if (pod.getMetadata().getLabels() != null) {
      pod.getMetadata().getLabels().forEach((k, v) -> labels.put(sanitize(k), v));
    }
    labels.put("job", job);
    labels.put("namespace", pod.getMetadata().getNamespace());
    labels.put("pod", pod.getMetadata().getName());
    labels.put("__metrics_path__", path);
    return new TargetGroup(List.of(address.apply(pod, port)), labels);
  }

  public static boolean hasSidecar(Pod pod) {
    return pod.getSpec().getContainers().stream().map(Container::getName).anyMatch("istio-proxy"::equals);
  }

  private static Integer annotatedPort(Pod pod, String annotation) {
    if (annotation != null) {
      try {
        return Integer.parseInt(annotation.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    // Without the annotation Prometheus' pod role would use each declared port; we take the first.
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
        .map(p -> p.getContainerPort()).findFirst().orElse(null);
  }

  static String sanitize(String labelName) {
    return labelName.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
