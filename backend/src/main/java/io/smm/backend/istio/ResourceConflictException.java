package io.smm.backend.istio;

/** The resource changed (or appeared) since the user loaded it; nothing was written. */
public final class ResourceConflictException extends RuntimeException {
  public ResourceConflictException(String message) {
    super(message);
  }
}
