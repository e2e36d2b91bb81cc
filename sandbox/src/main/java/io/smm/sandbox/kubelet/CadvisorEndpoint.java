package io.smm.sandbox.kubelet;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * The kubelet's /metrics/cadvisor on 127.0.0.1: container_cpu_usage_seconds_total and
 * container_memory_working_set_bytes per container with cAdvisor's namespace, pod and container
 * labels, from what the pod runtimes report. Pods no runtime measures have no series, as a
 * container that does not run has none.
 */
public final class CadvisorEndpoint implements AutoCloseable {

  public static final String PATH = "/metrics/cadvisor";

  /** One container's usage and where it runs. */
  public record Sample(String namespace, String pod, ContainerUsage usage) {}

  private final HttpServer server;

  public CadvisorEndpoint(Supplier<List<Sample>> samples) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for the kubelet's metrics", e);
    }
    server.createContext(PATH, ex -> {
      byte[] body = exposition(samples.get());
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  /** host:port Prometheus scrapes. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  static byte[] exposition(List<Sample> samples) {
    CounterSnapshot.Builder cpu = CounterSnapshot.builder().name("container_cpu_usage_seconds")
        .help("Cumulative cpu time consumed in seconds.");
    GaugeSnapshot.Builder memory = GaugeSnapshot.builder().name("container_memory_working_set_bytes")
        .help("Current working set in bytes.");
    for (Sample s : samples) {
      Labels labels = Labels.of("namespace", s.namespace(), "pod", s.pod(), "container", s.usage().container());
      cpu.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(s.usage().cpuSeconds()).build());
      memory.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(s.usage().memoryWorkingSetBytes()).build());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, MetricSnapshots.of(cpu.build(), memory.build()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
