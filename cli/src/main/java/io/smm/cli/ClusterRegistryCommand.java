package io.smm.cli;

import io.smm.operator.clusterregistry.ClusterRegistryController;
import java.time.Duration;
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

  @Override
  public void run() {
    if (refreshSeconds < 1) {
      throw new CliException("--refresh-seconds must be at least 1, not " + refreshSeconds, 2);
    }
    KubeOptions.Connection kube = parent.kube.connect();
    String address = apiServer.isEmpty() ? kube.server() : apiServer;
    ClusterRegistryController controller = new ClusterRegistryController(kube.client(),
        new ClusterRegistryController.Settings(namespace, clusterName, network, address, Duration.ofSeconds(refreshSeconds), true));
    controller.start();
    System.out.println("Cluster registry controller on " + kube.server() + " (cluster ID " + controller.localClusterId() + ")");
    Foreground.runUntilStopped("cluster-registry-controller", () -> {
      controller.close();
      kube.client().close();
    });
  }
}
