package io.smm.sandbox.demo;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Istio standard metrics one Envoy sidecar reports (Istio 1.15 names, labels and default
 * buckets), in its own registry, served as Envoy serves them on :15090/stats/prometheus.
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

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("istio_requests_total").help("Total requests.").labelNames(LABELS)
      .register(registry);
  private final Histogram duration = Histogram.builder().name("istio_request_duration_milliseconds").help("Request duration.")
      .classicUpperBounds(DURATION_BUCKETS_MS).labelNames(LABELS).register(registry);
  private final Histogram requestBytes = Histogram.builder().name("istio_request_bytes").help("Request sizes.")
      .classicUpperBounds(SIZE_BUCKETS).labelNames(LABELS).register(registry);
  private final Histogram responseBytes = Histogram.builder().name("istio_response_bytes").help("Response sizes.")
      .classicUpperBounds(SIZE_BUCKETS).labelNames(LABELS).register(registry);

  /** One HTTP request as one reporter saw it. */
  public record Request(String reporter, MeshIdentity source, MeshIdentity destination, String destinationService,
      String protocol, int responseCode, String responseFlags, boolean mutualTls, double durationMs, long requestBytes,
      long responseBytes) {}

  public void record(Request r) {
    String serviceName = r.destinationService().contains(".") ? r.destinationService().substring(0, r.destinationService().indexOf('.'))
        : r.destinationService();
    String[] values = {r.reporter(), r.source().workload(), r.source().namespace(), r.mutualTls() ? r.source().principal() : "unknown",
        r.source().app(), r.source().version(), r.source().cluster(), r.source().app(), r.source().version(),
        r.destination().workload(), r.destination().namespace(), r.mutualTls() ? r.destination().principal() : "unknown",
        r.destination().app(), r.destination().version(), r.destinationService(), serviceName, r.destination().namespace(),
        r.destination().app(), r.destination().version(), r.destination().cluster(), r.protocol(),
        Integer.toString(r.responseCode()), "-", r.responseFlags(), r.mutualTls() ? "mutual_tls" : "none"};
    requests.labelValues(values).inc();
    duration.labelValues(values).observe(r.durationMs());
    requestBytes.labelValues(values).observe(r.requestBytes());
    responseBytes.labelValues(values).observe(r.responseBytes());
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
