package io.smm.backend.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** GETs JSON from a tracing server's query API: bounded in time and size, every failure a {@link TracingUnavailableException}. */
final class TracingHttp {

  /** Answers larger than this are refused rather than parsed (100 traces of a busy mesh fit well within it). */
  static final int MAX_BYTES = 32 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  TracingHttp(URI base, HttpClient http, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.http = http;
    this.timeout = timeout;
  }

  URI base() {
    return base;
  }

  /** The JSON at {@code path} with {@code query}; empty on 404. */
  Optional<JsonNode> get(String path, Map<String, String> query) {
    String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    URI uri = URI.create(base + path + q);
    HttpResponse<byte[]> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new TracingUnavailableException("the tracing server at " + base + " is not reachable: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TracingUnavailableException("interrupted while asking the tracing server");
    }
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new TracingUnavailableException("the tracing server at " + base + " answered " + path + " with HTTP " + r.statusCode());
    }
    if (r.body().length > MAX_BYTES) {
      throw new TracingUnavailableException("the tracing server's answer is larger than " + MAX_BYTES / (1024 * 1024) + " MiB; narrow the search");
    }
    try {
      return Optional.of(JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new TracingUnavailableException("the tracing server at " + base + " answered " + path + " with something that is not JSON");
    }
  }
}
