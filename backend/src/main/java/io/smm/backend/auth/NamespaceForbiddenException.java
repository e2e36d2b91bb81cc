package io.smm.backend.auth;

/** A user asked for metrics, taps or findings of a namespace they may not `get pods` in. */
public final class NamespaceForbiddenException extends RuntimeException {
  public NamespaceForbiddenException(Identity identity, String namespace) {
    super(namespace == null
        ? "user \"" + identity.username() + "\" cannot get pods in all namespaces, which mesh-wide numbers need"
        : "user \"" + identity.username() + "\" cannot get pods in namespace \"" + namespace + "\"");
  }
}
