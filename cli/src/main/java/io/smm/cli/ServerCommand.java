package io.smm.cli;

import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm server`: the backend role (GraphQL API and dashboard). Runs until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the SMM backend: GraphQL API and dashboard.")
class ServerCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = "--address", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--als-port", defaultValue = "" + ServerOptions.DEFAULT_ALS_PORT,
      description = "Port of the Envoy access log service the sidecars stream to, for traffic tap; -1 = none (default: ${DEFAULT-VALUE}).")
  int alsPort;

  @Option(names = "--prometheus-url", defaultValue = DEFAULT_PROMETHEUS,
      description = "Prometheus API the topology and health read Istio's metrics from (default: ${DEFAULT-VALUE}).")
  URI prometheus;

  @Option(names = "--tracing-url", description = "Query API of the tracing server traces are read from: Jaeger's or Zipkin's, whichever "
      + "answers (default: the ControlPlane's tracing component, http://smm-tracing.smm-system.svc.cluster.local:16686).")
  URI tracing = SmmServer.DEFAULT_TRACING;

  @Option(names = "--grafana-url", description = "Grafana, whose UI the tools port proxies (default: the ControlPlane's grafana "
      + "component, http://smm-grafana.smm-system.svc.cluster.local:3000).")
  URI grafana = SmmServer.DEFAULT_GRAFANA;

  @Option(names = "--tools-port", defaultValue = "" + ServerOptions.DEFAULT_TOOLS_PORT,
      description = "Port where Grafana's and the tracing server's UIs are proxied, an origin apart from the dashboard's; -1 = none "
          + "(default: ${DEFAULT-VALUE}).")
  int toolsPort;

  @Option(names = "--anonymous-auth", description = "No login: every request uses this backend's own Kubernetes identity. Only allowed "
      + "on a loopback --address; the ControlPlane's spec.smm.auth.mode: anonymous (smm install --anonymous-auth) does the same.")
  boolean anonymousAuth;

  /** Where the ControlPlane's Prometheus answers in the cluster (seed). */
  static final String DEFAULT_PROMETHEUS = "http://smm-prometheus.smm-system.svc.cluster.local:59090/prometheus";

  @Override
  public void run() {
    KubeOptions.Connection kube = parent.kube.connect();
    SmmServer server = new SmmServer(kube.client(), kube.clusterName(), prometheus, tracing, grafana, Duration.ofSeconds(30));
    int bound = ServerStarter.start(server, new ServerOptions(address, port, alsPort, anonymousAuth, toolsPort));
    System.out.println("SMM backend for " + kube.server() + " listening on http://" + address + ":" + bound
        + (server.accessLogPort() > 0 ? ", access logs on " + address + ":" + server.accessLogPort() : ""));
    Foreground.runUntilStopped("smm-server", () -> {
      server.close();
      kube.client().close();
    });
  }
}
