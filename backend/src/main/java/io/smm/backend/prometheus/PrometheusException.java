package io.smm.backend.prometheus;

/** A Prometheus query that gave no answer, with why in terms a user can act on. */
public class PrometheusException extends RuntimeException {

  /**
   * UNAVAILABLE: not reachable or 5xx; TIMEOUT: no answer in time; BAD_QUERY: Prometheus refused
   * the PromQL; BAD_RESPONSE: unreadable; TOO_LARGE: an answer bigger than the backend takes.
   */
  public enum Kind { UNAVAILABLE, TIMEOUT, BAD_QUERY, BAD_RESPONSE, TOO_LARGE }

  private final Kind kind;

  public PrometheusException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
