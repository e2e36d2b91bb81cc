package io.smm.backend.telemetry;

import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.cluster.ControllerNames;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The PromQL behind the topology and golden signals, in one place, named by what it measures.
 * Every query reads Istio's standard metrics from the reporter that knows best: the client's
 * sidecar ("source") for calls between meshed workloads, the server's ("destination") for calls
 * from outside the mesh (source_workload="unknown") and for mTLS, which only the server knows.
 */
public final class TelemetryQueries {

  /** The labels that identify an edge from a client workload through a service to a server workload. */
  public static final String EDGE = MeshRecordingRules.EDGE;

  /**
   * Which series the traffic is read from: the mesh's recorded aggregates ({@link MeshRecordingRules},
   * a few series per edge, cheap at any size) or Istio's raw metrics (always there, costly at scale).
   */
  public enum Source { RECORDED, RAW }

  private TelemetryQueries() {}

  /** A recorded edge series for the namespaces (as client or as service), none = all; already summed, so no aggregation. */
  public static String recorded(MeshRecordingRules.Rule rule, Set<String> namespaces) {
    return namespaces.isEmpty() ? rule.record() : eitherSide(namespaces, matcher -> rule.record() + "{" + matcher + "}");
  }

  /** The graph's two kinds of edge: a client calling a service, a service served by a workload. */
  public enum Half {
    CLIENT_SERVICE(MeshRecordingRules.CLIENT_SERVICE, MeshRecordingRules.CLIENT_SERVICE_P95, "client -> service"),
    SERVICE_SERVER(MeshRecordingRules.SERVICE_SERVER, MeshRecordingRules.SERVICE_SERVER_P95, "service -> workload");

    private final String labels;
    private final MeshRecordingRules.Rule recordedP95;
    private final String description;

    Half(String labels, MeshRecordingRules.Rule recordedP95, String description) {
      this.labels = labels;
      this.recordedP95 = recordedP95;
      this.description = description;
    }

    public String describe() {
      return description;
    }
  }

  /**
   * P95 latency (ms) per edge of one half, labelled quantile="0.95", computed by Prometheus: as
   * recorded for the whole mesh. For some namespaces a view holds the calls of its clients and to
   * its services: a client -> service edge is named by both, so its recorded quantile is the view's;
   * so is a service -> workload edge's when the service is in the namespaces (every call to it is
   * in the view). An edge of a service elsewhere carries only the view's clients' calls (the
   * recorded quantile sums every client's): computed from those edges' recorded buckets alone.
   */
  public static String latencyP95(Half half, Set<String> namespaces) {
    if (namespaces.isEmpty()) {
      return half.recordedP95.record();
    }
    if (half == Half.CLIENT_SERVICE) {
      return recorded(half.recordedP95, namespaces);
    }
    String regex = regex(namespaces);
    String p95 = MeshRecordingRules.P95;
    return half.recordedP95.record() + "{destination_service_namespace=~\"" + regex + "\"} or label_replace(histogram_quantile(" + p95
        + ", sum by (" + half.labels + ",le) (" + MeshRecordingRules.DURATION_BUCKETS.record() + "{source_workload_namespace=~\"" + regex
        + "\",destination_service_namespace!~\"" + regex + "\"})), \"quantile\", \"" + p95 + "\", \"\", \"\")";
  }

  /** HTTP and gRPC requests per second by edge, response code, gRPC status and response flags. */
  public static String requestRates(Set<String> namespaces, Duration window) {
    return "sum by (" + EDGE + ",response_code,grpc_response_status,response_flags) ("
        + clientView("istio_requests_total", namespaces, window) + ")";
  }

  /** Request duration histogram buckets per edge (ms), for quantiles at any aggregation. */
  public static String durationBuckets(Set<String> namespaces, Duration window) {
    return "sum by (" + EDGE + ",le) (" + clientView("istio_request_duration_milliseconds_bucket", namespaces, window) + ")";
  }

  /** TCP bytes per second per edge, sent (server to client) and received (client to server). */
  public static String tcpBytes(String direction, Set<String> namespaces, Duration window) {
    return "sum by (" + EDGE + ") (" + clientView("istio_tcp_" + direction + "_bytes_total", namespaces, window) + ")";
  }

  /** Traffic per edge and connection_security_policy, as the servers saw it (requests and TCP connections). */
  public static String security(Set<String> namespaces, Duration window) {
    return "sum by (" + EDGE + ",connection_security_policy) (" + rates("istio_requests_total", "reporter=\"destination\"", namespaces,
        window) + " or " + rates("istio_tcp_connections_opened_total", "reporter=\"destination\"", namespaces, window) + ")";
  }

  /** The labels naming a service in the client view, and a workload in the server view. */
  public static final String SERVICE = MeshRecordingRules.SERVICE;
  public static final String WORKLOAD = MeshRecordingRules.WORKLOAD;
  private static final String OUTCOME = MeshRecordingRules.OUTCOME;

  /**
   * The health signals' queries over the recorded series (1 minute windows): service outcomes and
   * P95 summed from the edges, workloads' from their own recorded server view.
   */
  public static final class Recorded {
    private Recorded() {}

    public static String serviceOutcomes(Set<String> namespaces) {
      return "sum by (" + SERVICE + "," + OUTCOME + ") (" + recorded(MeshRecordingRules.REQUESTS, namespaces) + ")";
    }

    /**
     * As recorded for the services in the namespaces (all their callers); a service elsewhere that
     * the namespaces call is judged on their calls only, as with the raw metrics, from its buckets.
     */
    public static String serviceP95(Set<String> namespaces) {
      String recorded = p95(MeshRecordingRules.SERVICE_P95, "destination_service_namespace", namespaces);
      if (namespaces.isEmpty()) {
        return recorded;
      }
      String regex = regex(namespaces);
      return recorded + " or histogram_quantile(" + MeshRecordingRules.P95 + ", sum by (" + SERVICE + ",le) ("
          + MeshRecordingRules.DURATION_BUCKETS.record() + "{source_workload_namespace=~\"" + regex
          + "\",destination_service_namespace!~\"" + regex + "\"}))";
    }

    public static String serviceTcpConnections(Set<String> namespaces) {
      return "sum by (" + SERVICE + ") (" + recorded(MeshRecordingRules.TCP_CONNECTIONS, namespaces) + ")";
    }

    public static String workloadOutcomes(Set<String> namespaces) {
      return MeshRecordingRules.WORKLOAD_REQUESTS.record() + workloadFilter(namespaces);
    }

    public static String workloadP95(Set<String> namespaces) {
      return p95(MeshRecordingRules.WORKLOAD_P95, "destination_workload_namespace", namespaces);
    }

    /** A recorded P95 series, for the namespaces (by the label given) or all. */
    private static String p95(MeshRecordingRules.Rule rule, String namespaceLabel, Set<String> namespaces) {
      return rule.record() + "{quantile=\"" + MeshRecordingRules.P95 + "\""
          + (namespaces.isEmpty() ? "" : "," + namespaceLabel + "=~\"" + regex(namespaces) + "\"") + "}";
    }

    public static String workloadTcpConnections(Set<String> namespaces) {
      return MeshRecordingRules.WORKLOAD_TCP_CONNECTIONS.record() + workloadFilter(namespaces);
    }

    private static String workloadFilter(Set<String> namespaces) {
      return namespaces.isEmpty() ? "" : "{destination_workload_namespace=~\"" + regex(namespaces) + "\"}";
    }
  }

  /** Requests per second of each service by outcome, as its clients saw them (the service's health: what callers get). */
  public static String serviceOutcomes(Set<String> namespaces, Duration window) {
    return "sum by (" + SERVICE + "," + OUTCOME + ") (" + clientView("istio_requests_total", namespaces, window) + ")";
  }

  /** P95 latency (ms) of each service as its clients saw it. */
  public static String serviceP95(Set<String> namespaces, Duration window) {
    return "histogram_quantile(0.95, sum by (" + SERVICE + ",le) ("
        + clientView("istio_request_duration_milliseconds_bucket", namespaces, window) + "))";
  }

  /**
   * Requests per second in the mesh by outcome (for the overview's RPS and error rate): all of it,
   * or (namespaces given) the requests from or to those namespaces.
   */
  public static String meshOutcomes(Set<String> namespaces, Duration window) {
    return "sum by (" + OUTCOME + ") (" + clientView("istio_requests_total", namespaces, window) + ")";
  }

  /** P95 latency (ms) over every request in the mesh, or those from or to the namespaces given. */
  public static String meshP95(Set<String> namespaces, Duration window) {
    return "histogram_quantile(0.95, sum by (le) (" + clientView("istio_request_duration_milliseconds_bucket", namespaces, window) + "))";
  }

  /** Requests per second by outcome for the series the selectors pick (joined with "or" before summing). */
  public static String outcomesOf(List<String> selectors, Duration window) {
    return "sum by (" + OUTCOME + ") (" + union("istio_requests_total", selectors, window) + ")";
  }

  /** A latency quantile (ms) over the series the selectors pick. */
  public static String quantileOf(double q, List<String> selectors, Duration window) {
    return "histogram_quantile(" + q + ", sum by (le) (" + union("istio_request_duration_milliseconds_bucket", selectors, window) + "))";
  }

  private static String union(String metric, List<String> selectors, Duration window) {
    String w = window.toSeconds() + "s";
    return selectors.stream().map(s -> "rate(" + metric + "{" + s + "}[" + w + "])").collect(Collectors.joining(" or "));
  }

  /** A label matcher with the value quoted for PromQL. */
  public static String eq(String label, String value) {
    return label + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** TCP connections opened per second to each service, as its clients saw them (TCP has no error outcome). */
  public static String serviceTcpConnections(Set<String> namespaces, Duration window) {
    return "sum by (" + SERVICE + ") (" + clientView("istio_tcp_connections_opened_total", namespaces, window) + ")";
  }

  public static String workloadTcpConnections(Set<String> namespaces, Duration window) {
    return "sum by (" + WORKLOAD + ") (" + serverView("istio_tcp_connections_opened_total", namespaces, window) + ")";
  }

  /** Requests per second each workload served by outcome, as its own sidecar saw them. */
  public static String workloadOutcomes(Set<String> namespaces, Duration window) {
    return "sum by (" + WORKLOAD + "," + OUTCOME + ") (" + serverView("istio_requests_total", namespaces, window) + ")";
  }

  public static String workloadP95(Set<String> namespaces, Duration window) {
    return "histogram_quantile(0.95, sum by (" + WORKLOAD + ",le) ("
        + serverView("istio_request_duration_milliseconds_bucket", namespaces, window) + "))";
  }

  // --- saturation: the kubelet's cAdvisor metrics, labelled namespace, pod, container -------------

  /** cAdvisor's per-container series; the pod-level cgroup (container="" or "POD") would count everything twice. */
  private static final String CONTAINERS = "container!=\"\",container!=\"POD\"";

  /** CPU cores the selected containers use (e.g. {@code namespace="x",pod=~"..."}; empty = all). */
  public static String cpuCores(String selector, Duration window) {
    return "sum(rate(container_cpu_usage_seconds_total{" + CONTAINERS + and(selector) + "}[" + window.toSeconds() + "s]))";
  }

  /** Working-set bytes of the selected containers: what the kernel would not reclaim, the OOM killer's measure. */
  public static String memoryBytes(String selector) {
    return "sum(container_memory_working_set_bytes{" + CONTAINERS + and(selector) + "})";
  }

  /** CPU cores per pod in the namespaces (none = all), for health: pods are mapped to workloads by name. */
  public static String podCpuCores(Set<String> namespaces, Duration window) {
    return "sum by (namespace,pod) (rate(container_cpu_usage_seconds_total{" + CONTAINERS + inNamespaces("namespace", namespaces)
        + "}[" + window.toSeconds() + "s]))";
  }

  /** CPU cores of each sidecar (container istio-proxy), for the Mesh page's per-revision totals. */
  public static String proxyCpuCoresByPod(Duration window) {
    return "sum by (namespace,pod) (rate(container_cpu_usage_seconds_total{container=\"istio-proxy\"}[" + window.toSeconds() + "s]))";
  }

  public static String proxyMemoryBytesByPod() {
    return "sum by (namespace,pod) (container_memory_working_set_bytes{container=\"istio-proxy\"})";
  }

  /**
   * A selector for the pods of a workload by the names its controller gives them
   * ({@link io.smm.backend.cluster.ControllerNames}). cAdvisor series carry no workload label;
   * names survive the pods, so history works.
   */
  public static String workloadPods(String namespace, String workload) {
    return eq("namespace", namespace) + ",pod=~\"" + quote(workload) + "-(" + ControllerNames.POD_SUFFIX + ")\"";
  }

  private static String and(String selector) {
    return selector == null || selector.isEmpty() ? "" : "," + selector;
  }

  private static String inNamespaces(String label, Set<String> namespaces) {
    return namespaces.isEmpty() ? "" : "," + label + "=~\"" + regex(namespaces) + "\"";
  }

  /**
   * Rates of a metric for calls between meshed workloads from the client's sidecar, and for calls
   * from outside the mesh from the server's. The parts are joined with "or" before any
   * aggregation: their series differ in the reporter label, so nothing is dropped, and a series
   * matched by both namespace selectors is the same series, counted once.
   */
  private static String clientView(String metric, Set<String> namespaces, Duration window) {
    return MeshRecordingRules.CLIENT_VIEW.stream().map(selector -> rates(metric, selector, namespaces, window))
        .collect(Collectors.joining(" or "));
  }

  private static String serverView(String metric, Set<String> namespaces, Duration window) {
    String w = window.toSeconds() + "s";
    String filter = namespaces.isEmpty() ? "" : ",destination_workload_namespace=~\"" + regex(namespaces) + "\"";
    return "rate(" + metric + "{reporter=\"destination\"" + filter + "}[" + w + "])";
  }

  private static String rates(String metric, String selector, Set<String> namespaces, Duration window) {
    String w = window.toSeconds() + "s";
    if (namespaces.isEmpty()) {
      return "rate(" + metric + "{" + selector + "}[" + w + "])";
    }
    return eitherSide(namespaces, matcher -> "rate(" + metric + "{" + selector + "," + matcher + "}[" + w + "])");
  }

  /**
   * A series belongs to the selected namespaces when its client or its service is in one of them:
   * {@code series} written with each of the two matchers, joined with "or" (a series both match is
   * the same series, counted once).
   */
  private static String eitherSide(Set<String> namespaces, Function<String, String> series) {
    String regex = regex(namespaces);
    return series.apply("source_workload_namespace=~\"" + regex + "\"") + " or "
        + series.apply("destination_service_namespace=~\"" + regex + "\"");
  }

  private static String regex(Set<String> namespaces) {
    return namespaces.stream().sorted().map(TelemetryQueries::quote).collect(Collectors.joining("|"));
  }

  /** Namespace names are DNS labels; anything else would not match a namespace anyway, so it is escaped, never trusted. */
  private static String quote(String namespace) {
    return namespace.replaceAll("[^a-z0-9-]", "\\\\\\\\$0");
  }
}
