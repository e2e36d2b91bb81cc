package io.smm.cli;

import io.smm.operator.Installer;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm uninstall -a`: removes everything the product created; CRDs stay (seed). */
@Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove Service Mesh Manager and Istio; CRDs and your own objects stay.")
class UninstallCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = {"-a", "--run-everything"}, description = "Remove every component without asking.")
  boolean runEverything;

  @Override
  public void run() {
    KubeOptions.Connection kube = parent.kube.connect();
    try {
      System.out.println("Uninstalling Service Mesh Manager from " + kube.server());
      ReconcileReport report = new Installer(kube.client()).uninstall("smm",
          new ProgressPrinter(System.out, Components.all().size() - 1));
      Summary.print(report, "uninstalled");
    } finally {
      kube.client().close();
    }
  }
}
