package io.smm.backend.tracing;

/** The tracing server cannot be asked now: not running, not reachable, or it answered with an error. */
public class TracingUnavailableException extends RuntimeException {
  public TracingUnavailableException(String message) {
    super(message);
  }
}
