package io.smm.sandbox.envoy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Istio standard metrics one Envoy sidecar reports (Istio 1.15 names, labels and default
 * buckets), in its own registry, served as Envoy serves them on :15090/stats/prometheus. HTTP and
 * gRPC requests go to istio_requests_total and the duration/size histograms; TCP connections to
 * istio_tcp_*, whose labels are the same minus response_code and grpc_response_status.
 */
public final class SidecarMetrics {

  /** Istio's default request duration buckets, in milliseconds. */
  static final double[] DURATION_BUCKETS_MS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
      300000, 600000, 1800000, 3600000};
  /** Istio's default size buckets, in bytes. */
  static final double[] SIZE_BUCKETS = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

  static final String[] LABELS = {"reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app",
      "source_version", "source_cluster", "source_canonical_service", "source_canonical_revision", "destination_workload",
      "destination_workload_namespace", "destination_principal", "destination_app", "destination_version",
      "destination_service", "destination_service_name", "destination_service_namespace", "destination_canonical_service",
      "destination_canonical_revision", "destination_cluster", "request_protocol", "response_code", "grpc_response_status",
      "response_flags", "connection_security_policy"};
  static final String[] TCP_LABELS = Arrays.stream(LABELS)
      .filter(l -> !l.equals("response_code") && !l.equals("grpc_response_status")).toArray(String[]::new);

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /**
   * Besides Istio's standard metrics, what a sidecar exports by default that the Mesh page charts:
   * pilot-agent's istio_build (which Istio version runs) and Envoy's xDS rejection counters
   * (cluster_manager and listener_manager stats are in Istio's default inclusion list).
   */
  SidecarMetrics(String istioVersion) {
    Gauge.builder().name("istio_build").help("Istio component build info")
        .labelNames("component", "tag").register(registry).labelValues("proxy", istioVersion).set(1);
    Gauge.builder().name("envoy_cluster_manager_cds_update_rejected")
        .help("Total rejected CDS updates").register(registry).set(0);
    Gauge.builder().name("envoy_listener_manager_lds_update_rejected")
        .help("Total rejected LDS updates").register(registry).set(0);
  }
  private final Counter requests = Counter.builder().name("istio_requests_total").help("Total requests.").labelNames(LABELS)
      .register(registry);
  private final Histogram duration = Histogram.builder().name("istio_request_duration_milliseconds").help("Request duration.")
      .classicUpperBounds(DURATION_BUCKETS_MS).labelNames(LABELS).register(registry);
  private final Histogram requestBytes = Histogram.builder().name("istio_request_bytes").help("Request sizes.")
      .classicUpperBounds(SIZE_BUCKETS).labelNames(LABELS).register(registry);
  private final Histogram responseBytes = Histogram.builder().name("istio_response_bytes").help("Response sizes.")
      .classicUpperBounds(SIZE_BUCKETS).labelNames(LABELS).register(registry);
  private final Counter tcpSent = Counter.builder().name("istio_tcp_sent_bytes_total")
      .help("Bytes sent during response of TCP connections.").labelNames(TCP_LABELS).register(registry);
  private final Counter tcpReceived = Counter.builder().name("istio_tcp_received_bytes_total")
      .help("Bytes received during request of TCP connections.").labelNames(TCP_LABELS).register(registry);
  private final Counter tcpOpened = Counter.builder().name("istio_tcp_connections_opened_total")
      .help("TCP connections opened.").labelNames(TCP_LABELS).register(registry);
  private final Counter tcpClosed = Counter.builder().name("istio_tcp_connections_closed_total")
      .help("TCP connections closed.").labelNames(TCP_LABELS).register(registry);

  /** Who talked to whom, as one reporter saw it. */
  public record Peers(String reporter, MeshIdentity source, MeshIdentity destination, String destinationService,
      String destinationServiceName, String destinationServiceNamespace, boolean mutualTls) {}

  /** One HTTP or gRPC request; grpcStatus is null for plain HTTP. */
  public record Request(Peers peers, String protocol, int responseCode, Integer grpcStatus, String responseFlags, double durationMs,
      long requestBytes, long responseBytes) {}

  /** One TCP connection, counted when it closes. */
  public record Connection(Peers peers, String responseFlags, long receivedBytes, long sentBytes) {}

  public void record(Request r) {
    String[] values = values(r.peers(), r.protocol(), Integer.toString(r.responseCode()),
        r.grpcStatus() == null ? "-" : r.grpcStatus().toString(), r.responseFlags());
    requests.labelValues(values).inc();
    duration.labelValues(values).observe(r.durationMs());
    requestBytes.labelValues(values).observe(r.requestBytes());
    responseBytes.labelValues(values).observe(r.responseBytes());
  }

  public void record(Connection c) {
    String[] values = values(c.peers(), "tcp", null, null, c.responseFlags());
    tcpOpened.labelValues(values).inc();
    tcpReceived.labelValues(values).inc(c.receivedBytes());
    tcpSent.labelValues(values).inc(c.sentBytes());
    tcpClosed.labelValues(values).inc();
  }

  private static String[] values(Peers p, String protocol, String responseCode, String grpcStatus, String flags) {
    MeshIdentity s = p.source();
    MeshIdentity d = p.destination();
    boolean destinationReport = p.reporter().equals("destination");
    // Principals are known from the mTLS handshake only; a client sidecar cannot know the server's
    // policy, so Istio reports connection_security_policy "unknown" from the source side.
    List<String> v = new ArrayList<>(List.of(p.reporter(), s.workload(), s.namespace(),
        p.mutualTls() ? s.principal() : "unknown", s.app(), s.version(), s.cluster(), s.app(), s.version(),
        d.workload(), d.namespace(), p.mutualTls() ? d.principal() : "unknown", d.app(), d.version(),
        p.destinationService(), p.destinationServiceName(), p.destinationServiceNamespace(), d.app(), d.version(), d.cluster(),
        protocol));
    if (responseCode != null) {
      v.add(responseCode);
      v.add(grpcStatus);
    }
    v.add(flags);
    v.add(destinationReport ? (p.mutualTls() ? "mutual_tls" : "none") : "unknown");
    return v.toArray(String[]::new);
  }

  /** The Prometheus text exposition of everything recorded so far. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
