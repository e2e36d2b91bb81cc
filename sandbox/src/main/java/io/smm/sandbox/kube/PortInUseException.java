package io.smm.sandbox.kube;

/** A sandbox part could not listen on its port. */
public class PortInUseException extends RuntimeException {
  public PortInUseException(String what, int port, Throwable cause) {
    super(what + ": port " + port + " on 127.0.0.1 is in use (or cannot be bound): "
        + (cause == null ? "" : cause.getMessage()) + PortOwner.of(port).map(o -> "; held by " + o).orElse("")
        + "; choose another port or stop what holds it", cause);
  }
}
