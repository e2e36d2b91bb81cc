package io.smm.cli;

import io.smm.operator.clusterregistry.ClusterRegistryController;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm cluster-registry-controller`: the cluster registry controller (seed 2.7.1.4) until stopped,
 * what the ControlPlane's clusterRegistry component runs in the cluster-registry namespace.
 */
@Command(name = "cluster-registry-controller", mixinStandardHelpOptions = true,
    description = "Run the cluster registry controller: keep this cluster's Cluster, connect to the peers the Cluster resources "
        + "name and sync resources from them as the ResourceSyncRules say.")
class ClusterRegistryCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = "--namespace", defaultValue = "cluster-registry", description = "Namespace of the Cluster secrets (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--cluster-name", defaultValue = "", description = "Provision a Cluster resource of this name for this cluster, "
      + "with a reader kubeconfig secret for its peers (default: none).")
  String clusterName;

  @Option(names = "--network-name", defaultValue = "default", description = "This cluster's network: the Clusters' kubernetesApiEndpoints "
      + "for it are used (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--api-server-endpoint-address", defaultValue = "", description = "Where peers reach this cluster's API server "
      + "(default: the address this controller uses).")
  String apiServer;

  @Option(names = "--refresh-seconds", defaultValue = "10",
      description = "How often peers are checked and everything looked at again, in seconds (default: ${DEFAULT-VALUE}).")
  int refreshSeconds;

  /**
   * The controller's settings from these options; {@code ownAddress} is the API server address to
   * give peers when --api-server-endpoint-address is not set.
   */
  ClusterRegistryController.Settings settings(String ownAddress) {
    if (refreshSeconds < 1) {
      throw new CliException("--refresh-seconds must be at least 1, not " + refreshSeconds, 2);
    }
    return new ClusterRegistryController.Settings(namespace, clusterName, network, apiServer.isEmpty() ? ownAddress : apiServer,
        Duration.ofSeconds(refreshSeconds), true);
  }

  /** The settings of a `smm cluster-registry-controller ARGS` process (the clusterRegistry component's pod), parsed as it would. */
  static ClusterRegistryController.Settings settings(List<String> args, String ownAddress) {
    ClusterRegistryCommand command = new ClusterRegistryCommand();
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.settings(ownAddress);
  }

  @Override
  public void run() {
    KubeOptions.Connection kube = parent.kube.connect();
    ClusterRegistryController controller = new ClusterRegistryController(kube.client(), settings(kube.server()));
    controller.start();
    System.out.println("Cluster registry controller on " + kube.server() + " (cluster ID " + controller.localClusterId() + ")");
    Foreground.runUntilStopped("cluster-registry-controller", () -> {
      controller.close();
      kube.client().close();
    });
  }
}
