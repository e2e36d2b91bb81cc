package io.smm.backend.tracing;

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
}
