package io.smm.backend.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The backend's own metrics, served on /metrics in the Prometheus text format. One registry per server. */
public class ServerMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram duration;

  public ServerMetrics() {
    JvmMetrics.builder().register(registry);
    requests = Counter.builder()
        .name("smm_http_requests_total")
        .help("HTTP requests served by the smm backend")
        .labelNames("route", "code")
        .register(registry);
    duration = Histogram.builder()
        .name("smm_http_request_duration_seconds")
        .help("Time to answer an HTTP request")
        .labelNames("route")
        .register(registry);
  }

  /** Records each request once its response ends; the route is the matched path template, not the raw path. */
  public void instrument(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addBodyEndHandler(v -> {
      String route = rc.currentRoute() != null && rc.currentRoute().getPath() != null ? rc.currentRoute().getPath() : "other";
      requests.labelValues(route, Integer.toString(rc.response().getStatusCode())).inc();
      duration.labelValues(route).observe((System.nanoTime() - start) / 1e9);
    });
    rc.next();
  }

  public void serve(RoutingContext rc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rc.response().putHeader("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE).end(Buffer.buffer(out.toByteArray()));
  }
}
