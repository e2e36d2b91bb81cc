package io.smm.backend.tracing;

import java.time.Duration;
import java.time.Instant;

/**
 * Which traces to find: those with a span of {@code service} (Istio's tracing service name,
 * {@code <canonical service>.<namespace>}) that ended in [end - lookback, end], at least
 * {@code minDuration} long, only failed ones when {@code errorsOnly}; at most {@code limit}.
 */
public record TraceQuery(String service, Instant end, Duration lookback, Duration minDuration, boolean errorsOnly, int limit) {

  public static final int MAX_LIMIT = 100;

  public TraceQuery {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("a trace search needs a service");
    }
    if (lookback.isNegative() || lookback.isZero() || lookback.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("the time range must be between 1 ms and 7 days, not " + lookback);
    }
    if (minDuration.isNegative()) {
      throw new IllegalArgumentException("the minimum duration cannot be negative");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
  }
}
