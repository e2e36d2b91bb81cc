package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `smm config get|edit`: the installed ControlPlane as YAML, and editing it as `kubectl edit` does
 * (the user's $EDITOR on a temporary file), except that the edit is validated with every problem's
 * field path before anything is written and is then reconciled at once, as the imperative mode
 * needs. A refused edit is kept in its file so that nothing typed is lost.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Show or edit the ControlPlane (the product's configuration).",
    subcommands = {ConfigCommand.Get.class, ConfigCommand.Edit.class})
class ConfigCommand {

  @ParentCommand
  Smm parent;

  static String document(String name, JsonNode spec) {
    ObjectNode cp = InstallCommand.YAML.createObjectNode();
    cp.put("apiVersion", SmmCrds.CONTROL_PLANE.apiVersion());
    cp.put("kind", SmmCrds.CONTROL_PLANE.kind());
    cp.putObject("metadata").put("name", name);
    cp.set("spec", spec);
    return InstallCommand.toYaml(cp);
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Print the ControlPlane's spec as a ControlPlane YAML document.")
  static class Get implements Runnable {
    @ParentCommand
    ConfigCommand config;

    @Option(names = "--name", defaultValue = "smm", description = "ControlPlane name (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = config.parent.kube.connect()) {
        System.out.print(document(name, InstalledControlPlane.spec(kube, name)));
      }
    }
  }

  @Command(name = "edit", mixinStandardHelpOptions = true, description = "Edit the ControlPlane in $EDITOR, validate it and reconcile it.")
  static class Edit implements Runnable {
    @ParentCommand
    ConfigCommand config;

    @Option(names = "--name", defaultValue = "smm", description = "ControlPlane name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--editor", defaultValue = "${env:VISUAL:-${env:EDITOR:-vi}}",
        description = "The editor to run, with its arguments (default: $VISUAL, else $EDITOR, else vi; now ${DEFAULT-VALUE}).")
    String editor;

    @Override
    public void run() {
      try (KubeOptions.Connection kube = config.parent.kube.connect()) {
        String before = document(name, InstalledControlPlane.spec(kube, name));
        Path file = Files.createTempFile("smm-controlplane-", ".yaml");
        Files.writeString(file, before);
        runEditor(editor, file);
        String after = Files.readString(file);
        if (after.equals(before)) {
          Files.deleteIfExists(file);
          System.out.println("Edit cancelled, no changes made.");
          return;
        }
        ObjectNode edited;
        try {
          edited = ControlPlaneInput.parse(after, file.toString());
        } catch (InvalidResourceException e) {
          throw new CliException(e.getMessage() + "; nothing was changed, your edit is kept in " + file, 1);
        }
        if (edited.path("metadata").has("name") && !name.equals(edited.path("metadata").path("name").asText())) {
          throw new CliException("metadata.name cannot be changed (from " + name + " to " + edited.path("metadata").path("name").asText()
              + "); nothing was changed, your edit is kept in " + file, 1);
        }
        InstalledControlPlane.apply(kube, name, edited.path("spec"), "reconciled");
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new CliException("cannot edit the ControlPlane in a temporary file: " + e.getMessage(), 1);
      }
    }

    /** The editor (it may carry arguments, e.g. "code --wait"), attached to this terminal. */
    static void runEditor(String editor, Path file) {
      List<String> command = new ArrayList<>(List.of(editor.trim().split("\\s+")));
      command.add(file.toString());
      try {
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
          throw new CliException("the editor (" + editor + ") exited with " + exit + "; nothing was changed", 1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while the editor was open; nothing was changed", 1);
      } catch (IOException e) {
        throw new CliException("cannot start the editor " + editor + ": " + e.getMessage() + " (set EDITOR)", 1);
      }
    }
  }
}
