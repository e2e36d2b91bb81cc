package io.smm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.controlplane.ClusterNames;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.operator.Installer;
import io.smm.operator.components.Components;
import io.smm.operator.components.IstioControlPlaneComponent;
import io.smm.operator.controllers.StandaloneControllers;
import io.smm.operator.demo.DemoApplicationReconciler;
import io.smm.sandbox.Sandbox;
import io.smm.sandbox.SandboxAlreadyRunningException;
import io.smm.sandbox.SandboxHome;
import io.smm.sandbox.SandboxOptions;
import io.smm.sandbox.SandboxProcesses;
import io.smm.sandbox.SandboxState;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.kube.PortInUseException;
import io.smm.sandbox.kube.PortReservation;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `smm sandbox up|down|status`: a whole cluster stand-in on this machine (see sandbox/README.md). */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = "Run a local stand-in for a cluster (embedded Kubernetes API, sandbox kubelet, real Prometheus and Alertmanager).",
    subcommands = {SandboxCommand.Up.class, SandboxCommand.Down.class, SandboxCommand.Status.class, SandboxVmCommand.class})
class SandboxCommand {

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the sandbox and the SMM backend in the foreground; Ctrl-C stops everything.")
  static class Up implements Runnable {
    @Option(names = "--kube-port", defaultValue = "0", description = "Port of the embedded Kubernetes API (default: a free port).")
    int kubePort;

    @Option(names = "--prometheus-port", defaultValue = "0", description = "Port of Prometheus (default: a free port).")
    int prometheusPort;

    @Option(names = "--alertmanager-port", defaultValue = "0", description = "Port of Alertmanager (default: a free port).")
    int alertmanagerPort;

    @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "Dashboard port (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--skip-install", description = "Start an empty cluster: do not install Service Mesh Manager into it.")
    boolean skipInstall;

    @Option(names = "--fresh", description = "Start from an empty cluster instead of resuming the objects the previous sandbox left in $SMM_HOME.")
    boolean fresh;

    @Option(names = "--cluster-name", defaultValue = Kubeconfig.CLUSTER,
        description = "The cluster's name in the mesh (ControlPlane clusterName; default: ${DEFAULT-VALUE}). Give each sandbox its own "
            + "when you attach one to another.")
    String clusterName;

    @Option(names = "--demo", description = "Also install the demo application (smm demoapp install) and open the dashboard on its topology.")
    boolean demo;

    @Override
    public void run() {
      if (demo && skipInstall) {
        throw new CliException("--demo needs Service Mesh Manager installed; drop --skip-install", 1);
      }
      SandboxHome home = SandboxHome.fromEnvironment();
      long t0 = System.nanoTime();
      Sandbox sandbox;
      PortReservation dashboardReservation = null;
      ClusterRegistryPods registryPods = new ClusterRegistryPods();
      try {
        Sandbox.requireNotRunning(home);
        // The dashboard's port first: a taken port fails now, not after the install.
        dashboardReservation = dashboardPort == 0 ? null : PortReservation.hold(dashboardPort, "Dashboard");
        sandbox = Sandbox.up(home, new SandboxOptions(kubePort, prometheusPort, alertmanagerPort, fresh), List.of(registryPods), System.out);
        registryPods.sandboxUp(sandbox);
      } catch (SandboxAlreadyRunningException | PortInUseException e) {
        if (dashboardReservation != null) {
          dashboardReservation.close();
        }
        throw new CliException(e.getMessage(), 1);
      }
      SmmServer server = null;
      StandaloneControllers controllers = null;
      try {
        if (!skipInstall) {
          // The same install a user runs against a real cluster (`smm install -a`).
          System.out.println("Installing Service Mesh Manager into the sandbox ...");
          // A resumed cluster keeps its ControlPlane as it was left (what attach or `smm` commands changed), with this name.
          ObjectNode spec = ((ObjectNode) InstalledControlPlane.existingSpec(sandbox.client(), "smm")
              .orElseGet(InstallCommand.YAML::createObjectNode).deepCopy()).put("clusterName", clusterName);
          Summary.print(new Installer(sandbox.client()).install("smm", spec,
              new ProgressPrinter(System.out, Components.all().size()), Duration.ofSeconds(60)), "installed");
          if (demo) {
            int writes = new DemoApplicationReconciler(sandbox.client()).apply(DemoApplicationReconciler.NAME,
                DemoAppCommand.spec(null, null));
            System.out.println("Demo application installed in namespace " + DemoApplicationReconciler.NAME + " (" + writes + " writes)");
          }
        }
        if (!skipInstall) {
          // Likewise the controllers that run in the cluster: the SRE controller (SLOs become
          // PrometheusRules, which the sandbox's Prometheus loads) and the IstioMeshGateway one.
          controllers = new StandaloneControllers(sandbox.client());
          controllers.start();
        }
        // The sandbox kubelet does not run the product's images, so the backend the `smm`
        // Deployment stands for runs in this process, against the sandbox's API server.
        // Grafana's image does not run in the sandbox: its proxied UI says it does not answer, as on a cluster without it.
        server = new SmmServer(sandbox.client(), ClusterNames.convert(clusterName), URI.create(sandbox.state().prometheus()),
            sandbox.tracingUrl(), SmmServer.DEFAULT_GRAFANA, Duration.ofSeconds(30));
        if (dashboardReservation != null) {
          dashboardReservation.close();
        }
        int port = ServerStarter.start(server, new ServerOptions("127.0.0.1", dashboardPort, 0).withToolsPort(0));
        // The sidecars' access logs go to the in-process receiver (traffic tap) instead of smm-als,
        // through the stand-in for the smm pod's sidecar (mTLS as service account smm).
        sandbox.routeAccessLogs(IstioControlPlaneComponent.accessLogServiceAddress("smm-system"),
            "127.0.0.1:" + server.accessLogPort(), "smm-system", "smm");
        // Spans go to the tracing component's server, which the sandbox runs as the real Zipkin.
        sandbox.routeTraces(IstioControlPlaneComponent.zipkinAddress("smm-system"));
        String url = "http://127.0.0.1:" + port;
        sandbox.dashboardStarted(url);
        System.out.printf("Sandbox ready in %.1fs.%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("  kubectl --kubeconfig " + home.kubeconfig() + " get nodes");
        System.out.println("  Prometheus:   " + sandbox.state().prometheus());
        System.out.println("  Zipkin:       " + sandbox.tracingUrl() + "/zipkin/  (while the ControlPlane's tracing component runs)");
        System.out.println("  Tools port:   " + server.toolsPort() + "  (Grafana and the tracing UI, opened from the dashboard's links)");
        System.out.println("  Alertmanager: " + sandbox.state().alertmanager());
        System.out.println("Dashboard: " + url + "  (log in: smm dashboard -c " + home.kubeconfig() + ")");
        if (demo) {
          System.out.println("Demo mesh topology (traffic shows within a minute): " + url + "/#/topology?ns=smm-demo");
        }
        System.out.println("Press Ctrl-C to stop (or run `smm sandbox down`).");
      } catch (RuntimeException e) {
        if (dashboardReservation != null) {
          dashboardReservation.close();
        }
        if (server != null) {
          server.close();
        }
        if (controllers != null) {
          controllers.close();
        }
        registryPods.close();
        sandbox.close();
        throw e;
      }
      SmmServer running = server;
      StandaloneControllers runningControllers = controllers;
      Foreground.runUntilStopped("smm-sandbox", () -> {
        System.out.println("Stopping the sandbox ...");
        registryPods.close();
        running.close();
        if (runningControllers != null) {
          runningControllers.close();
        }
        sandbox.close();
        System.out.println("Sandbox stopped.");
      });
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the running sandbox and every process it started.")
  static class Down implements Runnable {
    @Override
    public void run() {
      SandboxHome home = SandboxHome.fromEnvironment();
      Optional<SandboxState> state = SandboxState.read(home.stateFile());
      if (state.isEmpty()) {
        System.out.println("No sandbox is running (no " + home.stateFile() + ").");
        return;
      }
      SandboxState s = state.get();
      SandboxProcesses.find(s.pid(), "sandbox").ifPresent(p -> {
        System.out.println("Stopping sandbox (pid " + s.pid() + ") ...");
        // SIGTERM runs its shutdown hook, which stops Prometheus and Alertmanager itself.
        SandboxProcesses.stop(p, Duration.ofSeconds(30));
      });
      List<String> survivors = Sandbox.stopChildren(home, s, System.out);
      try {
        Files.deleteIfExists(home.stateFile());
      } catch (IOException e) {
        throw new CliException("cannot remove " + home.stateFile() + ": " + e.getMessage(), 1);
      }
      if (!survivors.isEmpty()) {
        throw new CliException("could not stop: " + String.join(", ", survivors), 1);
      }
      System.out.println("Sandbox stopped; no process of it is left.");
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the URLs of the running sandbox.")
  static class Status implements Runnable {
    @Option(names = {"-o", "--output"}, description = "Output format: text or json.", defaultValue = "text")
    String output;

    @Override
    public void run() {
      print(SandboxHome.fromEnvironment(), output, System.out);
    }

    /**
     * The URLs, and which of the processes the sandbox runs are down (Prometheus between the
     * restarts of a crash loop, or killed): text says so on their line, JSON lists them in "down".
     */
    static void print(SandboxHome home, String output, PrintStream out) {
      SandboxState s = SandboxState.read(home.stateFile())
          .filter(st -> SandboxProcesses.find(st.pid(), "sandbox").isPresent())
          .orElseThrow(() -> new CliException("no sandbox is running; start one with `smm sandbox up`", 1));
      List<String> down = s.downChildren();
      if ("json".equals(output)) {
        Map<String, Object> json = new LinkedHashMap<>(s.urls());
        if (!down.isEmpty()) {
          json.put("down", down);
        }
        out.println(Serialization.asJson(json));
      } else if ("text".equals(output)) {
        s.urls().forEach((k, v) -> out.printf("%-13s %s%s%n", k + ":", v == null ? "(starting)" : v, down.contains(k)
            ? "  (down: not running; the sandbox restarts it, see " + home.root().resolve(k).resolve(k + ".log") + ")" : ""));
      } else {
        throw new CliException("unknown output format '" + output + "' (use text or json)", 1);
      }
    }
  }
}
