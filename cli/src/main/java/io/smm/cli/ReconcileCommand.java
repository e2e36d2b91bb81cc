package io.smm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.Installer;
import io.smm.operator.ReconcileReport;
import io.smm.operator.components.Components;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `smm reconcile --from-file cp.yaml`: the reconciler mode, declarative and run from this machine. */
@Command(name = "reconcile", mixinStandardHelpOptions = true, description = "Apply a ControlPlane from a file and reconcile every component.")
class ReconcileCommand implements Runnable {

  @ParentCommand
  Smm parent;

  @Option(names = "--from-file", required = true, description = "ControlPlane YAML (smm.cisco.com/v1alpha1).")
  Path file;

  @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the Istio control plane (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public void run() {
    ObjectNode cp;
    try {
      cp = ControlPlaneInput.parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), 1);
    } catch (InvalidResourceException e) {
      throw new CliException(e.getMessage(), 1);
    }
    String name = cp.path("metadata").path("name").asText("smm");
    KubeOptions.Connection kube = parent.kube.connect();
    try {
      System.out.println("Reconciling ControlPlane " + name + " from " + file + " into " + kube.server());
      ReconcileReport report = new Installer(kube.client()).install(name, cp.path("spec"),
          new ProgressPrinter(System.out, Components.all().size()), Duration.ofSeconds(timeoutSeconds));
      Summary.print(report, "reconciled");
    } finally {
      kube.client().close();
    }
  }
}
