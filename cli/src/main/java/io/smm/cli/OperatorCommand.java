package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.Installer;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import io.smm.operator.components.CrdsComponent;
import io.smm.operator.components.Workloads;
import io.smm.operator.controllers.SmmOperator;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm operator`: the operator mode (run until stopped); `smm operator reconcile`: one reconcile of the ControlPlane in the cluster. */
@Command(name = "operator", mixinStandardHelpOptions = true, subcommands = OperatorCommand.Reconcile.class,
    description = "Run the SMM operator: watch ControlPlane resources and reconcile them (leader-elected).")
class OperatorCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = "--lease-namespace", defaultValue = "smm-system", description = "Namespace of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(names = "--identity", description = "This replica's name in the election (default: host name and pid).")
  String identity;

  @Override
  public void run() {
    KubeOptions.Connection kube = parent.kube.connect();
    ResourceApplier applier = new ResourceApplier(kube.client());
    // The operator brings its CRDs and the Lease's namespace, as its Helm chart would.
    new CrdsComponent().apply(applier, "smm-operator");
    applier.apply(DesiredResource.present(Workloads.namespace(leaseNamespace)), "namespaces", "smm-operator");
    String me = identity != null ? identity : hostName() + "-" + ProcessHandle.current().pid();
    SmmOperator operator = new SmmOperator(kube.client(), SmmOperator.Election.standard(leaseNamespace, me));
    operator.start();
    System.out.println("SMM operator " + me + " watching ControlPlanes in " + kube.server()
        + " (leader election: Lease " + leaseNamespace + "/" + SmmOperator.LEASE_NAME + ")");
    Foreground.runUntilStopped("smm-operator", () -> {
      operator.close();
      kube.client().close();
    });
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "smm-operator";
    }
  }

  @Command(name = "reconcile", mixinStandardHelpOptions = true,
      description = "Reconcile the ControlPlane as it is in the cluster, once (imperative mode after editing it).")
  static class Reconcile implements Runnable {
    @ParentCommand
    OperatorCommand operator;

    @Option(names = "--name", defaultValue = "smm", description = "ControlPlane name (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = operator.parent.kube.connect()) {
        InstalledControlPlane.apply(kube, name, InstalledControlPlane.spec(kube, name), "reconciled");
      }
    }
  }
}
