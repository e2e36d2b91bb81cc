package io.smm.cli;

import io.smm.operator.istio.SidecarInjection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `smm sidecar-proxy auto-inject on|off <namespace> [--controlplane]` (seed). */
@Command(name = "sidecar-proxy", mixinStandardHelpOptions = true, description = "Sidecar proxy settings.",
    subcommands = SidecarProxyCommand.AutoInject.class)
class SidecarProxyCommand {

  @ParentCommand
  Smm parent;

  @Command(name = "auto-inject", mixinStandardHelpOptions = true,
      description = "Turn automatic sidecar injection on or off for a namespace (istio.io/rev=<controlplane>.<namespace>).")
  static class AutoInject implements Runnable {
    @ParentCommand
    SidecarProxyCommand sidecar;

    @Parameters(index = "0", description = "on or off")
    String state;

    @Parameters(index = "1", description = "namespace")
    String namespace;

    @Option(names = "--controlplane", defaultValue = "cp-v115x.istio-system",
        description = "Control plane whose sidecars to inject, name[.namespace] (default: ${DEFAULT-VALUE}).")
    String controlPlane;

    @Override
    public void run() {
      KubeOptions.Connection kube = sidecar.parent.kube.connect();
      try {
        switch (state) {
          case "on" -> {
            String revision = SidecarInjection.enable(kube.client(), namespace, controlPlane);
            System.out.println("auto sidecar injection successfully set to namespace " + namespace + " (istio.io/rev=" + revision + ")");
          }
          case "off" -> {
            SidecarInjection.disable(kube.client(), namespace);
            System.out.println("auto sidecar injection removed from namespace " + namespace);
          }
          default -> throw new CliException("unknown state '" + state + "': use on or off", 1);
        }
        System.out.println("Existing pods keep their proxy until restarted (kubectl rollout restart deployment -n " + namespace + ").");
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 1);
      } finally {
        kube.client().close();
      }
    }
  }
}
