package io.smm.backend.telemetry;

import java.time.Instant;

/** A value of a time series at one step: its time as the API writes times (RFC 3339). */
public interface TimePoint {

  long epochSecond();

  default String time() {
    return Instant.ofEpochSecond(epochSecond()).toString();
  }
}
