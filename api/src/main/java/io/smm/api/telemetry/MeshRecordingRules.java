package io.smm.api.telemetry;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The mesh's aggregates, recorded by Prometheus on every evaluation so that a topology of
 * thousands of workloads reads a few thousand pre-summed series instead of folding hundreds of
 * thousands of raw ones. Written once, used twice: the install renders them as a PrometheusRule
 * (and the README shows them for a Prometheus of the user's own), the backend reads the recorded
 * names and falls back to the raw expressions where the recorded series do not exist. Names follow
 * Prometheus' level:metric:operations convention; every rule is over a 1 minute rate window, the
 * topology's default, so other windows read the raw series.
 */
public final class MeshRecordingRules {
  // Edge series are the topology's; service health sums them by service, workload health reads the workload ones.

  /** The labels that identify an edge from a client workload through a service to a server workload. */
  public static final String EDGE = "source_cluster,source_workload_namespace,source_workload,source_app,source_version,"
      + "destination_cluster,destination_service_namespace,destination_service_name,destination_service,"
      + "destination_workload_namespace,destination_workload,destination_app,destination_version,request_protocol";

  /** The labels naming a workload as a server, and a request's outcome. */
  public static final String WORKLOAD = "destination_cluster,destination_workload_namespace,destination_workload";
  public static final String OUTCOME = "request_protocol,response_code,grpc_response_status";

  /**
   * Whose sidecar reports a call in the client view: the client's for calls between meshed
   * workloads, the server's for calls from outside the mesh. Joined with "or" before summing, the
   * two never count a call twice (they differ in the reporter label).
   */
  public static final List<String> CLIENT_VIEW = List.of("reporter=\"source\"", "reporter=\"destination\",source_workload=\"unknown\"");

  /** The window every recorded rate is over. */
  public static final int WINDOW_SECONDS = 60;

  public static final String GROUP = "smm-mesh-telemetry";

  /** A recorded series: its name, the expression Prometheus evaluates for it, and labels it adds (e.g. the quantile). */
  public record Rule(String record, String expr, Map<String, String> labels) {
    public Rule(String record, String expr) {
      this(record, expr, Map.of());
    }
  }

  public static final Rule REQUESTS = new Rule("edge:istio_requests:rate1m",
      "sum by (" + EDGE + ",response_code,grpc_response_status,response_flags) (" + clientView("istio_requests_total") + ")");
  public static final Rule DURATION_BUCKETS = new Rule("edge:istio_request_duration_milliseconds_bucket:rate1m",
      "sum by (" + EDGE + ",le) (" + clientView("istio_request_duration_milliseconds_bucket") + ")");
  public static final Rule TCP_SENT = new Rule("edge:istio_tcp_sent_bytes:rate1m",
      "sum by (" + EDGE + ") (" + clientView("istio_tcp_sent_bytes_total") + ")");
  public static final Rule TCP_RECEIVED = new Rule("edge:istio_tcp_received_bytes:rate1m",
      "sum by (" + EDGE + ") (" + clientView("istio_tcp_received_bytes_total") + ")");
  public static final Rule SECURITY = new Rule("edge:istio_traffic_by_security_policy:rate1m",
      "sum by (" + EDGE + ",connection_security_policy) (rate(istio_requests_total{reporter=\"destination\"}[1m])"
          + " or rate(istio_tcp_connections_opened_total{reporter=\"destination\"}[1m]))");

  public static final Rule TCP_CONNECTIONS = new Rule("edge:istio_tcp_connections_opened:rate1m",
      "sum by (" + EDGE + ") (" + clientView("istio_tcp_connections_opened_total") + ")");

  // The server view, as each workload's own sidecar saw what it served: health judges workloads on it.
  public static final Rule WORKLOAD_REQUESTS = new Rule("workload:istio_requests:rate1m",
      "sum by (" + WORKLOAD + "," + OUTCOME + ") (rate(istio_requests_total{reporter=\"destination\"}[1m]))");
  public static final Rule WORKLOAD_DURATION_BUCKETS = new Rule("workload:istio_request_duration_milliseconds_bucket:rate1m",
      "sum by (" + WORKLOAD + ",le) (rate(istio_request_duration_milliseconds_bucket{reporter=\"destination\"}[1m]))");
  public static final Rule WORKLOAD_TCP_CONNECTIONS = new Rule("workload:istio_tcp_connections_opened:rate1m",
      "sum by (" + WORKLOAD + ") (rate(istio_tcp_connections_opened_total{reporter=\"destination\"}[1m]))");

  // The 95th latency percentile computed by Prometheus once per evaluation from the buckets above,
  // so that a page reads one number per edge instead of twenty buckets. The graph's edges are halves
  // of a call (client -> service, service -> server), each summing the calls of the other half's ends.
  // One quantile only: each is a pass over every bucket series (about a CPU-second per 100 000 of them),
  // and P95 is what the graph shows and health judges; P50 and P99 of an edge need the buckets.
  /** The labels of the graph's client -> service edge, and of its service -> server edge. */
  public static final String CLIENT_SERVICE = "source_cluster,source_workload_namespace,source_workload,source_app,source_version,"
      + "destination_cluster,destination_service_namespace,destination_service_name,destination_service,request_protocol";
  public static final String SERVICE_SERVER = "destination_cluster,destination_service_namespace,destination_service_name,"
      + "destination_service,destination_workload_namespace,destination_workload,destination_app,destination_version,request_protocol";
  /** The labels naming a service in the client view (what its callers got). */
  public static final String SERVICE = "destination_cluster,destination_service_namespace,destination_service_name";

  /** The recorded quantile (label {@code quantile}). */
  public static final String P95 = "0.95";

  /** P95 (ms) per edge of the graph (label quantile="0.95"). */
  public static final Rule CLIENT_SERVICE_P95 = quantile("client_service_quantile:istio_request_duration_milliseconds:rate1m", P95,
      "sum by (" + CLIENT_SERVICE + ",le) (" + DURATION_BUCKETS.record() + ")");
  public static final Rule SERVICE_SERVER_P95 = quantile("service_server_quantile:istio_request_duration_milliseconds:rate1m", P95,
      "sum by (" + SERVICE_SERVER + ",le) (" + DURATION_BUCKETS.record() + ")");
  /** P95 (ms) per service (client view) and per workload (server view), for health. */
  public static final Rule SERVICE_P95 = quantile("service_quantile:istio_request_duration_milliseconds:rate1m", P95,
      "sum by (" + SERVICE + ",le) (" + DURATION_BUCKETS.record() + ")");
  public static final Rule WORKLOAD_P95 = quantile("workload_quantile:istio_request_duration_milliseconds:rate1m", P95,
      WORKLOAD_DURATION_BUCKETS.record());

  /** The rules over Istio's metrics, and those over their series (Prometheus evaluates a group in order: they come after). */
  public static final List<Rule> BASE = List.of(REQUESTS, DURATION_BUCKETS, TCP_SENT, TCP_RECEIVED, SECURITY, TCP_CONNECTIONS,
      WORKLOAD_REQUESTS, WORKLOAD_DURATION_BUCKETS, WORKLOAD_TCP_CONNECTIONS);
  public static final List<Rule> DERIVED = List.of(CLIENT_SERVICE_P95, SERVICE_SERVER_P95, SERVICE_P95, WORKLOAD_P95);

  public static final List<Rule> ALL = Stream.concat(BASE.stream(), DERIVED.stream()).toList();

  private MeshRecordingRules() {}

  private static Rule quantile(String record, String q, String buckets) {
    return new Rule(record, "histogram_quantile(" + q + ", " + buckets + ")", Map.of("quantile", q));
  }

  private static String clientView(String metric) {
    return CLIENT_VIEW.stream().map(s -> "rate(" + metric + "{" + s + "}[1m])").collect(Collectors.joining(" or "));
  }

  /** The rule group, as a PrometheusRule's spec and a Prometheus rule file both hold it: {groups: [this]}. */
  public static Map<String, Object> group() {
    return group(ALL);
  }

  /** A group of these rules under the group's name (a backfill takes the derived ones in a second pass: it cannot chain rules). */
  public static Map<String, Object> group(List<Rule> rules) {
    return Map.of("name", GROUP, "rules", rules.stream().map(MeshRecordingRules::rule).toList());
  }

  private static Map<String, Object> rule(Rule r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("record", r.record());
    out.put("expr", r.expr());
    if (!r.labels().isEmpty()) {
      out.put("labels", r.labels());
    }
    return out;
  }

  /** The rule group as a Prometheus rule file (what a user puts in rule_files). */
  public static String ruleFile() {
    return ruleFile(ALL);
  }

  public static String ruleFile(List<Rule> rules) {
    return Serialization.asYaml(Map.of("groups", List.of(group(rules))));
  }
}
