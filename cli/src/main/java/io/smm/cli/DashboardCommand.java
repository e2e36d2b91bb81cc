package io.smm.cli;

import io.fabric8.kubernetes.client.LocalPortForward;
import io.smm.backend.http.ServerOptions;
import io.smm.sandbox.SandboxHome;
import io.smm.sandbox.SandboxState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm dashboard`: logs in with the kubeconfig and opens the dashboard already logged in. The
 * backend is the running sandbox's (or --url), else the exposed dashboard (exposeDashboard) when it
 * answers; otherwise the `smm` service in smm-system is port-forwarded to 127.0.0.1:--port for as
 * long as the command runs, as the seed's does.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Open the Service Mesh Manager dashboard, logged in with your kubeconfig credentials.")
class DashboardCommand implements Runnable {

  static final String SERVICE_NAMESPACE = "smm-system";
  static final String SERVICE = "smm";

  @ParentCommand
  Smm parent;

  @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT,
      description = "Local port the dashboard is forwarded to when it runs in the cluster (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--no-browser", description = "Do not open a browser; print the URL (with its one-time login token) instead.")
  boolean noBrowser;

  @Option(names = "--url", description = "The SMM backend to open (default: the running sandbox's dashboard, else the cluster's "
      + "smm service through a port-forward).")
  URI url;

  @Override
  public void run() {
    Optional<URI> direct = Optional.ofNullable(url).or(() -> SandboxState.read(SandboxHome.fromEnvironment().stateFile())
        .map(SandboxState::dashboard).filter(d -> d != null).map(URI::create));
    KubeOptions.Connection kube = null;
    LocalPortForward forward = null;
    URI backend;
    if (direct.isEmpty()) {
      kube = parent.kube.connect();
      direct = exposed(kube);
    }
    if (direct.isPresent()) {
      backend = direct.get();
    } else {
      try {
        forward = kube.client().services().inNamespace(SERVICE_NAMESPACE).withName(SERVICE)
            .portForward(ServerOptions.DEFAULT_PORT, InetAddress.getLoopbackAddress(), port);
      } catch (RuntimeException e) {
        kube.client().close();
        throw new CliException("cannot forward 127.0.0.1:" + port + " to service " + SERVICE_NAMESPACE + "/" + SERVICE + ": "
            + Smm.oneLine(KubeOptions.rootMessage(e)) + " (is Service Mesh Manager installed? is the port free?)", 1);
      }
      backend = URI.create("http://127.0.0.1:" + forward.getLocalPort());
    }
    BackendLogin login = new BackendLogin(backend, parent.kube, SessionStore.fromEnvironment());
    String base = backend.toString().replaceAll("/+$", "");
    String open;
    if (login.anonymous()) {
      open = base + "/#/overview";
    } else {
      BackendLogin.Result r = login.login();
      System.out.println("✓ Logged in as " + r.username() + " (session valid until " + r.expiresAt() + ")");
      open = base + "/#/login?token=" + r.loginToken();
    }
    if (noBrowser || !openBrowser(open)) {
      System.out.println("Open within 10 seconds (the login token works once): " + open);
    } else {
      System.out.println("✓ Opened " + base + " in your browser");
    }
    if (forward != null) {
      LocalPortForward running = forward;
      KubeOptions.Connection connection = kube;
      System.out.println("Forwarding " + base + " to " + SERVICE_NAMESPACE + "/" + SERVICE + "; press Ctrl-C to stop.");
      Foreground.runUntilStopped("smm-dashboard", () -> {
        try {
          running.close();
        } catch (IOException e) {
          // closing anyway
        }
        connection.client().close();
      });
    }
  }

  /**
   * The exposed dashboard's URL when the ControlPlane exposes it and it answers from here (the seed:
   * "The dashboard is now available on https://smm.example.org/"); otherwise, with a note, the
   * port-forward.
   */
  private static Optional<URI> exposed(KubeOptions.Connection kube) {
    Optional<URI> exposed = ExposedDashboard.url(kube.client(), SERVICE_NAMESPACE);
    if (exposed.isEmpty()) {
      return exposed;
    }
    try {
      new BackendLogin(exposed.get(), null, SessionStore.fromEnvironment()).anonymous();
      return exposed;
    } catch (CliException e) {
      System.out.println("The dashboard is exposed at " + exposed.get() + " but does not answer from here (" + e.getMessage()
          + "); using a port-forward instead.");
      return Optional.empty();
    }
  }

  /** xdg-open (Linux) or open (macOS); false when neither works, e.g. on a remote host without a desktop. */
  private static boolean openBrowser(String url) {
    String os = System.getProperty("os.name").toLowerCase();
    String command = os.contains("mac") ? "open" : "xdg-open";
    try {
      Process p = new ProcessBuilder(command, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
