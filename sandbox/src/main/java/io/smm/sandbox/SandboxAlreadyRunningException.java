package io.smm.sandbox;

public class SandboxAlreadyRunningException extends RuntimeException {
  public SandboxAlreadyRunningException(SandboxState state) {
    super("a sandbox is already running (pid " + state.pid() + ", dashboard " + state.dashboard()
        + "); stop it with `smm sandbox down` first");
  }
}
