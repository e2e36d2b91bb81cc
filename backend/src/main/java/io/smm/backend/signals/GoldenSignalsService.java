package io.smm.backend.signals;

import io.smm.backend.PartErrors;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Series;
import io.smm.backend.telemetry.RequestOutcome;
import io.smm.backend.telemetry.TelemetryQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Golden signals for charts: per direction one range query of request outcomes and three of
 * latency quantiles, from {@code end - range} to {@code end} every {@code step}, each point over
 * the {@code window} before it.
 */
public final class GoldenSignalsService {

  private static final double[] QUANTILES = {0.5, 0.95, 0.99};

  private final PrometheusClient prometheus;

  public GoldenSignalsService(PrometheusClient prometheus) {
    this.prometheus = prometheus;
  }

  public CompletableFuture<GoldenSignals> signals(Scope scope, Instant end, Duration range, Duration step, Duration window) {
    PartErrors errors = new PartErrors();
    CompletableFuture<List<SignalPoint>> in = direction("inbound", scope.inbound(), end, range, step, window, errors);
    CompletableFuture<List<SignalPoint>> out = direction("outbound", scope.outbound(), end, range, step, window, errors);
    CompletableFuture<List<SaturationPoint>> saturation = scope.containers()
        .map(selector -> saturation(selector, end, range, step, window, errors))
        .orElse(CompletableFuture.completedFuture(List.of()));
    return CompletableFuture.allOf(in, out, saturation)
        .thenApply(ignored -> new GoldenSignals(in.join(), out.join(), saturation.join(), errors.list()));
  }

  private static final String PROXY = "container=\"istio-proxy\"";

  private CompletableFuture<List<SaturationPoint>> saturation(String selector, Instant end, Duration range, Duration step,
      Duration window, PartErrors errors) {
    Instant start = end.minus(range);
    String proxy = selector.isEmpty() ? PROXY : selector + "," + PROXY;
    List<CompletableFuture<List<Series>>> parts = List.of(
        prometheus.range(TelemetryQueries.cpuCores(selector, window), start, end, step),
        prometheus.range(TelemetryQueries.memoryBytes(selector), start, end, step),
        prometheus.range(TelemetryQueries.cpuCores(proxy, window), start, end, step),
        prometheus.range(TelemetryQueries.memoryBytes(proxy), start, end, step)).stream()
        .map(f -> f.exceptionally(e -> {
          errors.add("saturation", e);
          return List.of();
        })).toList();
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      // Every step is present, as in the request series, so points of the same index are the same time.
      TreeMap<Long, double[]> byTime = new TreeMap<>();
      for (long t = start.getEpochSecond(); t <= end.getEpochSecond(); t += Math.max(1, step.toSeconds())) {
        byTime.put(t, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
      }
      for (int i = 0; i < parts.size(); i++) {
        for (Series s : parts.get(i).join()) {
          for (Series.Point p : s.points()) {
            byTime.computeIfAbsent(p.epochSecond(), k -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN})[i] = p.value();
          }
        }
      }
      List<SaturationPoint> out = new ArrayList<>();
      byTime.forEach((t, v) -> out.add(new SaturationPoint(t, v[0], v[1], v[2], v[3])));
      return out;
    });
  }

  private CompletableFuture<List<SignalPoint>> direction(String name, List<String> selectors, Instant end, Duration range,
      Duration step, Duration window, PartErrors errors) {
    if (selectors.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Instant start = end.minus(range);
    List<CompletableFuture<List<Series>>> parts = new ArrayList<>();
    parts.add(prometheus.range(TelemetryQueries.outcomesOf(selectors, window), start, end, step));
    for (double q : QUANTILES) {
      parts.add(prometheus.range(TelemetryQueries.quantileOf(q, selectors, window), start, end, step));
    }
    List<CompletableFuture<List<Series>>> tolerant = parts.stream().map(f -> f.exceptionally(e -> {
      errors.add(name, e);
      return List.of();
    })).toList();
    return CompletableFuture.allOf(tolerant.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      // per timestamp: rps, errors, p50, p95, p99
      TreeMap<Long, double[]> byTime = new TreeMap<>();
      for (long t = start.getEpochSecond(); t <= end.getEpochSecond(); t += Math.max(1, step.toSeconds())) {
        byTime.put(t, new double[] {0, 0, Double.NaN, Double.NaN, Double.NaN});
      }
      for (Series s : tolerant.get(0).join()) {
        boolean error = RequestOutcome.isError(s.labels());
        for (Series.Point p : s.points()) {
          double[] v = byTime.computeIfAbsent(p.epochSecond(), k -> new double[] {0, 0, Double.NaN, Double.NaN, Double.NaN});
          v[0] += p.value();
          v[1] += error ? p.value() : 0;
        }
      }
      for (int q = 0; q < QUANTILES.length; q++) {
        for (Series s : tolerant.get(q + 1).join()) {
          for (Series.Point p : s.points()) {
            double[] v = byTime.computeIfAbsent(p.epochSecond(), k -> new double[] {0, 0, Double.NaN, Double.NaN, Double.NaN});
            v[2 + q] = p.value();
          }
        }
      }
      List<SignalPoint> out = new ArrayList<>();
      byTime.forEach((t, v) -> out.add(new SignalPoint(t, v[0], v[0] > 0 ? v[1] / v[0] : 0, v[2], v[3], v[4])));
      return out;
    });
  }
}
