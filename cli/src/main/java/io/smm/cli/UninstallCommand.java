package io.smm.cli;

import io.smm.api.crd.SmmCrds;
import io.smm.operator.Installer;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import io.smm.operator.demo.DemoApplicationReconciler;
import io.smm.operator.resources.CustomKinds;
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
      // Seed: `smm uninstall -a` removes the demo application first, then the product and Istio.
      var demos = kube.client().genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(),
          SmmCrds.DEMO_APPLICATION.kind());
      if (CustomKinds.installed(kube.client(), SmmCrds.DEMO_APPLICATION)) {
        for (var demo : demos.inAnyNamespace().list().getItems()) {
          int deleted = new DemoApplicationReconciler(kube.client()).uninstall(demo.getMetadata().getNamespace());
          System.out.println("demo application in " + demo.getMetadata().getNamespace() + " removed (" + deleted + " objects)");
        }
      }
      ReconcileReport report = new Installer(kube.client()).uninstall("smm",
          new ProgressPrinter(System.out, Components.all().size() - 1));
      Summary.print(report, "uninstalled");
    } finally {
      kube.client().close();
    }
  }
}
