package io.smm.backend.tracing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A tracing server's query API. Both calls throw {@link TracingUnavailableException} when it cannot be asked. */
public interface TraceReader {

  /** "zipkin" or "jaeger": whose query API this reads. */
  String api();

  /** Traces matching the query, as the server returns them (newest first). */
  List<Trace> traces(TraceQuery query);

  /** One trace by id; empty when the server does not have it. */
  Optional<Trace> trace(String traceId);

  /**
   * The traces with a span tagged {@code key=value} (e.g. Envoy's guid:x-request-id) that ended in
   * [end - lookback, end] and have a span of a service of {@code namespace}; at most {@code limit}.
   */
  List<Trace> tagged(String key, String value, String namespace, Instant end, Duration lookback, int limit);
}
