package io.smm.backend.vm;

/** Why a VM gets no configuration, with the HTTP status it is answered with. */
public final class VmBootstrapException extends RuntimeException {

  private final int status;

  public VmBootstrapException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
