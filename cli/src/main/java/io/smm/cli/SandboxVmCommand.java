package io.smm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.vm.SandboxVm;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** `smm sandbox vm run`: a virtual machine outside the sandbox's cluster, in the foreground, for attaching to the mesh with smm-agent. */
@Command(name = "vm", mixinStandardHelpOptions = true, description = "Sandbox virtual machines (seed 2.9): hosts outside the cluster.",
    subcommands = {SandboxVmCommand.Run.class})
class SandboxVmCommand {

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a VM in the foreground: its own address, file system root and application; smm-agent configures it. Ctrl-C stops it.")
  static class Run implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, description = "The VM's file system root (a directory).")
    Path root;

    @Option(names = "--address", required = true, description = "The VM's address: a loopback address of its own, e.g. 127.77.0.2.")
    String address;

    @Option(names = "--hostname", description = "The VM's host name (default: vm-<address>).")
    String hostname;

    @Option(names = "--app", defaultValue = "analytics", description = "The demo service the VM runs (default: ${DEFAULT-VALUE}).")
    String app;

    @Option(names = "--app-version", defaultValue = "v0", description = "Its version label (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--istio-version", defaultValue = "1.15.3", description = "The istio-sidecar package the VM image comes with (default: ${DEFAULT-VALUE}).")
    String istioVersion;

    @Option(names = "--agent", description = "The smm-agent launcher (default: bin/smm-agent beside this distribution).")
    Path agent;

    @Override
    public void run() {
      InetAddress at;
      try {
        at = InetAddress.getByName(address);
      } catch (UnknownHostException e) {
        throw new CliException(address + " is not an address", 2);
      }
      if (!at.isLoopbackAddress()) {
        throw new CliException("a sandbox VM lives on this machine: its address must be a loopback one (127.0.0.0/8), not " + address, 2);
      }
      Path launcher = agent != null ? agent : Distribution.sibling("smm-agent");
      try (KubeOptions.Connection c = ((Smm) spec.root().userObject()).kube.connect(); KubernetesClient client = c.client()) {
        SandboxVm vm = new SandboxVm(new SandboxVm.Options(root.toAbsolutePath(), at, hostname != null ? hostname : "vm-" + address.replace('.', '-'),
            app, version, Map.of(), istioVersion, List.of(launcher.toString())), client);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          vm.close();
          stopped.countDown();
        }));
        System.out.println("VM " + address + " running; root " + root.toAbsolutePath() + "; smm-agent there: PATH=" + vm.commands()
            + ":$PATH SMM_AGENT_ROOT=" + root.toAbsolutePath() + " " + launcher);
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
