package io.smm.backend.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Prometheus' HTTP API (/api/v1/query and /api/v1/query_range, POSTed so long PromQL fits), with
 * a timeout per query and at most {@code maxConcurrent} queries in flight, so one dashboard cannot
 * flood Prometheus. The rest wait in one line per owner ({@link QueryScope}) and a free slot goes
 * to the owners in turn: a user whose request issued hundreds of queries does not delay another
 * user's dozen. A cancelled scope's queries stop waiting and running ones are aborted. Failures
 * become {@link PrometheusException}s that say whether Prometheus is down, slow or refused the query.
 */
public final class PrometheusClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final int maxConcurrent;
  private final long maxAnswerBytes;
  private final HttpClient http;
  private final Values values = new Values();
  /** Waiting queries by owner, owners in the order they get the next free slot. */
  private final TurnQueue<Queued> waiting = new TurnQueue<>();
  private int running;

  private record Queued(CompletableFuture<?> result, Runnable send) {}

  /** The largest answer taken by default: five times the raw latency histogram of a 1 000-workload mesh. */
  public static final long MAX_ANSWER_BYTES = 256L << 20;

  public PrometheusClient(URI base, Duration timeout, int maxConcurrent) {
    this(base, timeout, maxConcurrent, MAX_ANSWER_BYTES);
  }

  public PrometheusClient(URI base, Duration timeout, int maxConcurrent, long maxAnswerBytes) {
    this.maxAnswerBytes = maxAnswerBytes;
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

  /** The recording rule groups Prometheus evaluates, with each rule's health (/api/v1/rules?type=record). */
  public CompletableFuture<List<RuleGroup>> recordingRules() {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("api/v1/rules?type=record")).timeout(timeout).GET().build();
    return send(request, data -> {
      List<RuleGroup> groups = new ArrayList<>();
      for (JsonNode g : data.path("groups")) {
        List<RuleGroup.Rule> rules = new ArrayList<>();
        for (JsonNode r : g.path("rules")) {
          rules.add(new RuleGroup.Rule(r.path("name").asText(), labels(r.path("labels")), r.path("health").asText(),
              r.path("lastError").asText("")));
        }
        groups.add(new RuleGroup(g.path("name").asText(), g.path("file").asText(), g.path("interval").asDouble(),
            g.path("evaluationTime").asDouble(), g.path("lastEvaluation").asText(""), rules));
      }
      return groups;
    });
  }

  private <T> CompletableFuture<T> post(String path, Map<String, String> form, Function<JsonNode, T> parse) {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), parse);
  }

  private <T> CompletableFuture<T> send(HttpRequest request, Function<JsonNode, T> parse) {
    QueryScope scope = QueryScope.current();
    CompletableFuture<T> result = new CompletableFuture<>();
    if (scope.cancelled()) {
      result.completeExceptionally(QueryScope.cancelledFailure(scope));
      return result;
    }
    scope.trackAnswer(result);
    Runnable send = () -> {
      if (result.isDone()) {
        done(); // cancelled while it waited for its slot: never sent
        return;
      }
      CompletableFuture<HttpResponse<InputStream>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
      scope.track(call);
      call.handle((response, error) -> {
        try {
          if (error != null) {
            throw failure(error);
          }
          result.complete(parse.apply(data(response)));
        } catch (OutOfMemoryError e) {
          // Whatever held the answer is garbage now; the request fails instead of hanging, and others go on.
          result.completeExceptionally(new PrometheusException(PrometheusException.Kind.TOO_LARGE, "Prometheus' answer to a query"
              + " did not fit in the backend's memory: ask about fewer namespaces, or give the backend more memory", e));
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        } finally {
          done();
        }
        return null;
      });
    };
    synchronized (waiting) {
      if (running < maxConcurrent) {
        running++;
      } else {
        waiting.add(scope.owner(), new Queued(result, send));
        return result;
      }
    }
    send.run();
    return result;
  }

  /** A slot is free: the next owner in turn sends its oldest query still wanted. */
  private void done() {
    Queued next;
    synchronized (waiting) {
      next = nextInTurn();
      if (next == null) {
        running--;
        return;
      }
    }
    next.send().run();
  }

  private Queued nextInTurn() {
    return waiting.next(q -> !q.result().isDone()); // a cancelled one is done already: skipped
  }

  private RuntimeException failure(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof CancellationException c) {
      return c;
    }
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

  private JsonNode data(HttpResponse<InputStream> response) {
    JsonNode body;
    try (InputStream in = new Bounded(response.body(), maxAnswerBytes)) {
      // Parsed as it streams in: the answer is never held as text and as a tree at once.
      body = JSON.readTree(in);
    } catch (Bounded.TooLarge e) {
      throw new PrometheusException(PrometheusException.Kind.TOO_LARGE, "Prometheus' answer is over " + (maxAnswerBytes >> 20)
          + " MiB, more than the backend takes for one query: ask about fewer namespaces", e);
    } catch (IOException e) {
      throw new PrometheusException(response.statusCode() >= 500 ? PrometheusException.Kind.UNAVAILABLE
          : PrometheusException.Kind.BAD_RESPONSE, "Prometheus at " + base + " answered HTTP " + response.statusCode()
          + " with a body that is not its API's JSON", e);
    }
    if (body == null || !"success".equals(body.path("status").asText())) {
      String kind = body == null ? "" : body.path("errorType").asText("");
      String message = "Prometheus: " + (body == null ? "HTTP " + response.statusCode() : body.path("error").asText("HTTP " + response.statusCode()));
      throw new PrometheusException(kind.equals("bad_data") ? PrometheusException.Kind.BAD_QUERY
          : kind.equals("timeout") ? PrometheusException.Kind.TIMEOUT : PrometheusException.Kind.UNAVAILABLE, message, null);
    }
    return body.path("data");
  }

  /** An answer read up to a limit: past it, reading fails instead of filling the heap. */
  private static final class Bounded extends FilterInputStream {
    static final class TooLarge extends IOException {
      TooLarge() {
        super("answer over the limit");
      }
    }

    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && --left < 0) {
        throw new TooLarge();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0 && (left -= n) < 0) {
        throw new TooLarge();
      }
      return n;
    }
  }

  /**
   * A series' labels, compactly: a mesh's answers repeat the same few thousand values (namespaces,
   * workloads, codes) across hundreds of thousands of series, so each value is kept once and each
   * map is a flat immutable one (about 170 bytes for Istio's labels; as HashMaps of fresh strings a
   * 1 000-workload topology held ~1.3 KB per series).
   */
  private Map<String, String> labels(JsonNode metric) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = new Map.Entry[metric.size()];
    int i = 0;
    for (var it = metric.fields(); it.hasNext(); ) {
      var e = it.next();
      entries[i++] = Map.entry(values.of(e.getKey()), values.of(e.getValue().asText()));
    }
    return Map.ofEntries(entries);
  }

  /** One instance per distinct label value, forgotten wholesale when it grows past a bound (values churn with pods). */
  private static final class Values {
    private static final int MAX = 200_000;
    private final ConcurrentHashMap<String, String> seen = new ConcurrentHashMap<>();

    String of(String value) {
      String known = seen.putIfAbsent(value, value);
      if (known != null) {
        return known;
      }
      if (seen.size() > MAX) {
        seen.clear();
      }
      return value;
    }
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
