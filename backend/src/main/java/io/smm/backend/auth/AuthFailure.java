package io.smm.backend.auth;

/**
 * A refused credential, with the reason code the client gets (and the log records, never the
 * credential itself).
 */
public final class AuthFailure extends RuntimeException {

  /** Reason codes, each with the HTTP status it is answered with. */
  public enum Reason {
    TOKEN_MISSING(401), TOKEN_MALFORMED(401), TOKEN_SIGNATURE_INVALID(401), TOKEN_EXPIRED(401), TOKEN_AUDIENCE_INVALID(401),
    TOKEN_REVOKED(401), LOGIN_TOKEN_INVALID(401), CREDENTIALS_REJECTED(401), OIDC_FAILED(401), RATE_LIMITED(429),
    AUTH_UNAVAILABLE(503);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Reason reason;

  public AuthFailure(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public AuthFailure(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
