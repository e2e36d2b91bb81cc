package io.smm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.demo.DemoApplicationReconciler;
import io.smm.operator.demo.DemoComponents;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine;

/** `smm demoapp install [-s list] | uninstall | load start|stop` (seed 2.3.6, 2.7.1). */
@Command(name = "demoapp", mixinStandardHelpOptions = true, description = "The smm-demo application.",
    subcommands = {DemoAppCommand.Install.class, DemoAppCommand.Uninstall.class, DemoAppCommand.Load.class})
class DemoAppCommand {

  static final String DEFAULT_NAMESPACE = "smm-demo";

  @ParentCommand
  Smm parent;

  @Option(names = {"-n", "--namespace"}, defaultValue = DEFAULT_NAMESPACE, scope = CommandLine.ScopeType.INHERIT,
      description = "Namespace of the demo application (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Command(name = "install", mixinStandardHelpOptions = true, description = "Deploy the demo application and start its load.")
  static class Install implements Runnable {
    @ParentCommand
    DemoAppCommand demo;

    @Option(names = {"-s", "--services"}, split = ",", description = "Components to deploy (default: all): ${COMPLETION-CANDIDATES}",
        completionCandidates = Names.class)
    List<String> services;

    @Option(names = "--rps", description = "Requests per second the load generator sends to frontpage (min and max).")
    Double rps;

    @Option(names = "--peer", description = "Install on a peer cluster of a multi-cluster mesh (seed 2.3.2 step 5): its share of the "
        + "components, called by the primary's; the load is generated on the primary.")
    boolean peer;

    @Override
    public void run() {
      if (services != null) {
        var unknown = services.stream().filter(s -> !DemoComponents.NAMES.contains(s)).toList();
        if (!unknown.isEmpty()) {
          throw new CliException("unknown component(s) " + unknown + "; valid: " + String.join(", ", DemoComponents.NAMES), 1);
        }
      }
      KubeOptions.Connection kube = demo.parent.kube.connect();
      try {
        ObjectNode spec = spec(services, rps);
        if (peer) {
          ((ObjectNode) spec.path("load")).put("enabled", false);
        }
        int writes = new DemoApplicationReconciler(kube.client()).apply(demo.namespace, spec);
        System.out.println("Demo application installed in namespace " + demo.namespace + " (" + writes + " writes)");
      } catch (InvalidResourceException e) {
        throw new CliException(e.getMessage(), 1);
      } finally {
        kube.client().close();
      }
    }
  }

  /** The DemoApplication spec `demoapp install` applies: the given components (all when null), load at rps (spec default when null). */
  static ObjectNode spec(List<String> services, Double rps) {
    ObjectNode spec = Serialization.jsonMapper().createObjectNode();
    spec.put("enabled", true);
    spec.putObject("controlPlaneRef").put("name", "smm");
    ArrayNode components = spec.putArray("enabledComponents");
    (services == null ? DemoComponents.NAMES : services).forEach(components::add);
    ObjectNode load = spec.putObject("load").put("enabled", true);
    if (rps != null) {
      load.put("minRPS", rps.intValue()).put("maxRPS", rps.intValue());
    }
    return spec;
  }

  @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove the demo application.")
  static class Uninstall implements Runnable {
    @ParentCommand
    DemoAppCommand demo;

    @Override
    public void run() {
      KubeOptions.Connection kube = demo.parent.kube.connect();
      try {
        int deleted = new DemoApplicationReconciler(kube.client()).uninstall(demo.namespace);
        System.out.println("Demo application removed from " + demo.namespace + " (" + deleted + " objects deleted)");
      } finally {
        kube.client().close();
      }
    }
  }

  @Command(name = "load", mixinStandardHelpOptions = true, description = "Start or stop the generated load.")
  static class Load implements Runnable {
    @ParentCommand
    DemoAppCommand demo;

    @Parameters(description = "start or stop")
    String action;

    @Override
    public void run() {
      if (!action.equals("start") && !action.equals("stop")) {
        throw new CliException("unknown action '" + action + "': use start or stop", 1);
      }
      KubeOptions.Connection kube = demo.parent.kube.connect();
      try {
        GenericKubernetesResource app = kube.client().genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(),
            SmmCrds.DEMO_APPLICATION.kind()).inNamespace(demo.namespace).withName(DemoApplicationReconciler.NAME).get();
        if (app == null) {
          throw new CliException("the demo application is not installed in " + demo.namespace + "; run `smm demoapp install`", 1);
        }
        ObjectNode spec = Serialization.jsonMapper().valueToTree(app.getAdditionalProperties().getOrDefault("spec", Map.of()));
        spec.with("load").put("enabled", action.equals("start"));
        new DemoApplicationReconciler(kube.client()).apply(demo.namespace, spec);
        System.out.println("Load " + (action.equals("start") ? "started" : "stopped"));
      } finally {
        kube.client().close();
      }
    }
  }

  static class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return DemoComponents.NAMES.iterator();
    }
  }
}
