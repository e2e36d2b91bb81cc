package io.smm.cli;

import io.smm.operator.Installer;
import io.smm.operator.ReconcileProgress;
import io.smm.operator.istio.ControlPlaneRemoval;
import io.smm.operator.istio.MeshStatus;
import io.smm.operator.istio.OutboundTrafficPolicy;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `smm istio ...`: day-2 operations on the Istio control planes (seed 2.7). */
@Command(name = "istio", mixinStandardHelpOptions = true, description = "Istio control plane operations.",
    subcommands = {IstioCommand.Cluster.class, IstioCommand.OutboundPolicy.class, IstioCommand.ControlPlaneCmd.class})
class IstioCommand {

  @ParentCommand
  Smm parent;

  @Command(name = "cluster", mixinStandardHelpOptions = true, description = "Clusters of the mesh.",
      subcommands = {Cluster.Status.class, ClusterAttachCommands.Attach.class, ClusterAttachCommands.Detach.class})
  static class Cluster {
    @ParentCommand
    IstioCommand istio;

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Clusters and Istio control planes with their status.")
    static class Status implements Runnable {
      @ParentCommand
      Cluster cluster;

      @Override
      public void run() {
        KubeOptions.Connection kube = cluster.istio.parent.kube.connect();
        try {
          System.out.println("Clusters");
          System.out.printf("%-24s %-8s %-12s %s%n", "NAME", "TYPE", "STATUS", "MESSAGE");
          var clusters = MeshStatus.clusters(kube.client());
          if (clusters.isEmpty()) {
            System.out.println("(no ControlPlane: run `smm install -a`)");
          }
          clusters.forEach(c -> System.out.printf("%-24s %-8s %-12s %s%n", c.name(), c.type(), c.status(), c.message()));
          System.out.println();
          System.out.println("ControlPlanes");
          // Every cluster's control planes: this one's, then the peers' (their namespaces and pods are only counted there).
          System.out.printf("%-16s %-14s %-14s %-8s %-8s %-16s %-18s %-24s %-16s %-6s %-5s %s%n",
              "CLUSTER", "NAME", "NAMESPACE", "VERSION", "MODE", "NETWORK", "GATEWAY", "REVISION", "STATUS", "NS", "PODS", "ERROR");
          MeshStatus.controlPlanes(kube.client()).forEach(r -> System.out.printf("%-16s %-14s %-14s %-8s %-8s %-16s %-18s %-24s %-16s %-6s %-5s %s%n",
              r.cluster().isEmpty() ? "-" : r.cluster(), r.name(), r.namespace(), r.version(), r.mode(),
              r.network().isEmpty() ? "-" : r.network(), r.gateways().isEmpty() ? "-" : String.join(",", r.gateways()), r.revision(),
              r.status(), r.namespaces() < 0 ? "-" : Integer.toString(r.namespaces()), r.pods() < 0 ? "-" : Integer.toString(r.pods()),
              r.error()));
        } finally {
          kube.client().close();
        }
      }
    }
  }

  @Command(name = "outbound-traffic-policy", mixinStandardHelpOptions = true,
      description = "Show or set the mesh-wide outbound traffic policy: allowed (ALLOW_ANY) or restricted (REGISTRY_ONLY).")
  static class OutboundPolicy implements Runnable {
    @ParentCommand
    IstioCommand istio;

    @Parameters(arity = "0..1", description = "allowed or restricted; without it, the current setting is shown.")
    String setting;

    @Override
    public void run() {
      KubeOptions.Connection kube = istio.parent.kube.connect();
      try {
        if (setting == null) {
          String mode = OutboundTrafficPolicy.get(kube.client(), "smm");
          System.out.println(mode == null ? "mesh wide outbound traffic policy is not found"
              : "mesh wide outbound traffic policy is set to '" + mode + "'");
          return;
        }
        String mode = switch (setting) {
          case "allowed" -> "ALLOW_ANY";
          case "restricted" -> "REGISTRY_ONLY";
          default -> throw new CliException("unknown setting '" + setting + "': use allowed or restricted", 1);
        };
        var spec = OutboundTrafficPolicy.set(kube.client(), "smm", mode);
        Summary.print(new Installer(kube.client()).install("smm", spec,
            ReconcileProgress.SILENT, Duration.ofSeconds(60)), "applied");
        System.out.println("mesh wide outbound traffic policy is set to '" + mode + "'");
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 1);
      } finally {
        kube.client().close();
      }
    }
  }

  @Command(name = "control-plane", mixinStandardHelpOptions = true, description = "Istio control planes (canary upgrades).",
      subcommands = ControlPlaneCmd.Delete.class)
  static class ControlPlaneCmd {
    @ParentCommand
    IstioCommand istio;

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove an IstioControlPlane and its istiod; refused while its revision is in use unless --force.")
    static class Delete implements Runnable {
      @ParentCommand
      ControlPlaneCmd cp;

      @Parameters(description = "IstioControlPlane name, e.g. cp-v115x.")
      String name;

      @Option(names = {"-n", "--namespace"}, defaultValue = "istio-system", description = "Its namespace (default: ${DEFAULT-VALUE}).")
      String namespace;

      @Option(names = "--force", description = "Remove it even while proxies or namespaces still use it.")
      boolean force;

      @Override
      public void run() {
        KubeOptions.Connection kube = cp.istio.parent.kube.connect();
        try {
          new ControlPlaneRemoval(kube.client()).remove(namespace, name, force);
          System.out.println("IstioControlPlane " + namespace + "/" + name + " and its istiod removed");
        } catch (ControlPlaneRemoval.RefusedException e) {
          throw new CliException(e.getMessage(), 1);
        } finally {
          kube.client().close();
        }
      }
    }
  }
}
