package io.smm.cli;

import java.net.URI;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm login`: a session for the CLI, and a one-time token for the dashboard's login window (seed 2.11.2). */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = "Log in to the SMM backend with your kubeconfig credentials; prints a login token for the dashboard (valid 10 s).")
class LoginCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = "--url", description = "The SMM backend (default: the running sandbox's dashboard, else http://127.0.0.1:50500).")
  URI url;

  @Override
  public void run() {
    URI backend = url != null ? url : BackendClient.defaultUrl();
    BackendLogin login = new BackendLogin(backend, parent.kube, SessionStore.fromEnvironment());
    if (login.anonymous()) {
      System.out.println("The backend at " + backend + " runs in anonymous mode: there is nothing to log in to.");
      return;
    }
    BackendLogin.Result r = login.login();
    System.out.println("✓ Logged in to " + backend + " as " + r.username()
        + (r.groups().isEmpty() ? "" : " (groups " + String.join(", ", r.groups()) + ")") + "; the CLI session is valid until "
        + r.expiresAt() + ".");
    System.out.println("Login token for the dashboard's login window (valid 10 s, once):");
    System.out.println(r.loginToken());
  }
}
