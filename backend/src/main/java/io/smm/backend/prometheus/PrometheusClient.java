package io.smm.backend.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Prometheus' HTTP API (/api/v1/query and /api/v1/query_range, POSTed so long PromQL fits), with
 * a timeout per query and at most {@code maxConcurrent} queries in flight: the rest wait in line,
 * so one dashboard cannot flood Prometheus. Failures become {@link PrometheusException}s that say
 * whether Prometheus is down, slow or refused the query.
 */
public final class PrometheusClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final int maxConcurrent;
  private final HttpClient http;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  public PrometheusClient(URI base, Duration timeout, int maxConcurrent) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.timeout = timeout;
    this.maxConcurrent = maxConcurrent;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  public URI base() {
    return base;
  }

  /** The instant vector of {@code promql} at {@code time}. */
  public CompletableFuture<List<Sample>> instant(String promql, Instant time) {
    return post("api/v1/query", Map.of("query", promql, "time", seconds(time)), data -> {
      List<Sample> out = new ArrayList<>();
      for (JsonNode r : data.path("result")) {
        out.add(new Sample(labels(r.path("metric")), number(r.path("value").get(1))));
      }
      return out;
    });
  }

  /** The range vectors of {@code promql} from start to end every step. */
  public CompletableFuture<List<Series>> range(String promql, Instant start, Instant end, Duration step) {
    return post("api/v1/query_range", Map.of("query", promql, "start", seconds(start), "end", seconds(end),
        "step", Long.toString(Math.max(1, step.toSeconds()))), data -> {
          List<Series> out = new ArrayList<>();
          for (JsonNode r : data.path("result")) {
            List<Series.Point> points = new ArrayList<>();
            for (JsonNode v : r.path("values")) {
              points.add(new Series.Point(v.get(0).asLong(), number(v.get(1))));
            }
            out.add(new Series(labels(r.path("metric")), points));
          }
          return out;
        });
  }

  private <T> CompletableFuture<T> post(String path, Map<String, String> form, Function<JsonNode, T> parse) {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable send = () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
      try {
        if (error != null) {
          throw failure(error);
        }
        result.complete(parse.apply(data(response)));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        done();
      }
      return null;
    });
    synchronized (waiting) {
      if (running < maxConcurrent) {
        running++;
      } else {
        waiting.add(send);
        return result;
      }
    }
    send.run();
    return result;
  }

  private void done() {
    Runnable next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        running--;
        return;
      }
    }
    next.run();
  }

  private PrometheusException failure(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof HttpTimeoutException) {
      return new PrometheusException(PrometheusException.Kind.TIMEOUT, "Prometheus at " + base + " did not answer within "
          + timeout.toMillis() + " ms", e);
    }
    if (e instanceof ConnectException || e instanceof IOException) {
      return new PrometheusException(PrometheusException.Kind.UNAVAILABLE, "Prometheus at " + base + " is not reachable ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }
    return new PrometheusException(PrometheusException.Kind.UNAVAILABLE, "Prometheus at " + base + ": " + e, e);
  }

  private JsonNode data(HttpResponse<String> response) {
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new PrometheusException(response.statusCode() >= 500 ? PrometheusException.Kind.UNAVAILABLE
          : PrometheusException.Kind.BAD_RESPONSE, "Prometheus at " + base + " answered HTTP " + response.statusCode()
          + " with a body that is not its API's JSON", e);
    }
    if (!"success".equals(body.path("status").asText())) {
      String kind = body.path("errorType").asText("");
      String message = "Prometheus: " + body.path("error").asText("HTTP " + response.statusCode());
      throw new PrometheusException(kind.equals("bad_data") ? PrometheusException.Kind.BAD_QUERY
          : kind.equals("timeout") ? PrometheusException.Kind.TIMEOUT : PrometheusException.Kind.UNAVAILABLE, message, null);
    }
    return body.path("data");
  }

  private static Map<String, String> labels(JsonNode metric) {
    Map<String, String> out = new HashMap<>();
    metric.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Prometheus sends numbers as strings, including "NaN" and "+Inf". */
  private static double number(JsonNode v) {
    String s = v == null ? "NaN" : v.asText();
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  private static String seconds(Instant t) {
    return String.format(Locale.ROOT, "%.3f", t.toEpochMilli() / 1000.0);
  }
}
