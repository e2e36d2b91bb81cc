package io.smm.backend.tracing;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tracing server at one URL, whichever query API it speaks: the product deploys Jaeger
 * all-in-one (its query API), a user may point at a Zipkin server. Which one answers is found out
 * by asking (Zipkin's /api/v2/services, then Jaeger's /api/services) and remembered until a call
 * fails, so a server replaced by the other kind is found again.
 */
public final class TracingBackend {

  private final TracingHttp http;
  private final AtomicReference<TraceReader> detected = new AtomicReference<>();

  public TracingBackend(URI base, Duration timeout) {
    this.http = new TracingHttp(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), timeout);
  }

  public URI url() {
    return http.base();
  }

  /** The reader for the API that answers; {@link TracingUnavailableException} when neither does. */
  public TraceReader reader() {
    TraceReader r = detected.get();
    if (r != null) {
      return r;
    }
    if (http.get("/api/v2/services", java.util.Map.of()).filter(j -> j.isArray()).isPresent()) {
      r = new ZipkinTraceReader(http);
    } else if (http.get("/api/services", java.util.Map.of()).filter(j -> j.has("data")).isPresent()) {
      r = new JaegerTraceReader(http);
    } else {
      throw new TracingUnavailableException("the tracing server at " + http.base() + " speaks neither Zipkin's nor Jaeger's query API");
    }
    detected.set(r);
    return r;
  }

  /** Forget the detected API after a failure: the next call asks again. */
  void forget() {
    detected.set(null);
  }
}
