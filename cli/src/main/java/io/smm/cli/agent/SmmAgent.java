package io.smm.cli.agent;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `smm-agent`, the VM side of Service Mesh Manager (seed 2.9.4): keeps a VM a member of the mesh
 * as part of a WorkloadGroup. The configuration commands edit {@code /etc/smm/agent.yaml};
 * {@code reconcile} configures and starts Istio once (and smm-agent's service); {@code run} is
 * that service, reconciling until stopped.
 */
@Command(name = "smm-agent", mixinStandardHelpOptions = true, description = "Attaches this machine to a Service Mesh Manager mesh.",
    subcommands = {SmmAgent.Set.class, SmmAgent.ShowConfig.class, SmmAgent.Reconcile.class, AgentService.class,
        CommandLine.HelpCommand.class})
public final class SmmAgent implements Runnable {

  /** The file systems root the agent works on: "/" on a VM, another directory for tests and sandbox VMs. */
  static final String ROOT_ENV = "SMM_AGENT_ROOT";

  @Option(names = "--config", description = "configuration file (default: /etc/smm/agent.yaml under $" + ROOT_ENV + ")")
  Path config;

  @Option(names = "-v", description = "show the cause of errors")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final Function<Path, VmHost> hosts;

  SmmAgent(Map<String, String> env, Function<Path, VmHost> hosts) {
    this.env = env;
    this.hosts = hosts;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  Path root() {
    return Path.of(env.getOrDefault(ROOT_ENV, "/"));
  }

  Path configFile() {
    return config != null ? config : root().resolve("etc/smm/agent.yaml");
  }

  VmHost host() {
    return hosts.apply(root());
  }

  public static void main(String[] args) {
    System.exit(execute(System.getenv(), args));
  }

  static int execute(Map<String, String> env, String... args) {
    return execute(env, SystemdHost::new, args);
  }

  static int execute(Map<String, String> env, Function<Path, VmHost> hosts, String... args) {
    CommandLine cli = new CommandLine(new SmmAgent(env, hosts));
    cli.setErr(new PrintWriter(System.err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      SmmAgent agent = cmd.getCommandSpec().root().userObject() instanceof SmmAgent a ? a : null;
      if (agent != null && agent.verbose) {
        e.printStackTrace(cmd.getErr());
      }
      cmd.getErr().println("✗ " + (e instanceof AgentException ? e.getMessage() : e.toString()));
      return 1;
    });
    return cli.execute(args);
  }

  @Command(name = "set", description = "Sets one setting of the agent's configuration.",
      subcommands = {Set.WorkloadGroup.class, Set.BearerToken.class, Set.NodeIp.class, Set.DashboardUrl.class, Set.Labels.class})
  static final class Set implements Runnable {
    @CommandLine.ParentCommand
    SmmAgent agent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    AgentConfig load() {
      return AgentConfig.load(agent.configFile());
    }

    void save(AgentConfig c) {
      c.save(agent.configFile());
    }

    @Command(name = "workload-group", description = "The WorkloadGroup this machine joins.")
    static final class WorkloadGroup implements Callable<Integer> {
      @CommandLine.ParentCommand
      Set set;
      @Parameters(index = "0", paramLabel = "NAMESPACE")
      String namespace;
      @Parameters(index = "1", paramLabel = "NAME")
      String name;

      @Override
      public Integer call() {
        if (!namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
          throw new AgentException("'" + namespace + "' '" + name + "' is not a Kubernetes namespace and object name");
        }
        set.save(set.load().withWorkloadGroup(namespace, name));
        System.out.println("✓ target workload group set namespace=" + namespace + ", name=" + name);
        return 0;
      }
    }

    @Command(name = "bearer-token", description = "The token of the WorkloadGroup's service account.")
    static final class BearerToken implements Callable<Integer> {
      @CommandLine.ParentCommand
      Set set;
      @Parameters(index = "0", paramLabel = "TOKEN")
      String token;

      @Override
      public Integer call() {
        String t = token.strip();
        if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace)) {
          throw new AgentException("the bearer token is empty or has white space in it: pass the token itself, not a file name");
        }
        set.save(set.load().withBearerToken(t));
        System.out.println("✓ bearer token set");
        return 0;
      }
    }

    @Command(name = "node-ip", description = "The IP address the mesh reaches this machine at.")
    static final class NodeIp implements Callable<Integer> {
      @CommandLine.ParentCommand
      Set set;
      @Parameters(index = "0", paramLabel = "IP")
      String ip;

      @Override
      public Integer call() {
        if (!AgentConfig.validIp(ip)) {
          throw new AgentException(ip + " is not an IP address");
        }
        set.save(set.load().withNodeIp(ip));
        System.out.println("✓ node-ip is set ip=" + ip);
        return 0;
      }
    }

    @Command(name = "dashboard-url", description = "The exposed Service Mesh Manager dashboard the configuration comes from.")
    static final class DashboardUrl implements Callable<Integer> {
      @CommandLine.ParentCommand
      Set set;
      @Parameters(index = "0", paramLabel = "URL")
      String url;

      @Override
      public Integer call() {
        if (!AgentConfig.validUrl(url)) {
          throw new AgentException(url + " is not an http(s) URL");
        }
        set.save(set.load().withDashboardUrl(url));
        System.out.println("✓ dashboard url set url=" + url);
        return 0;
      }
    }

    @Command(name = "labels", description = "Labels of this machine besides the WorkloadGroup's (KEY=VALUE ...; none clears them).")
    static final class Labels implements Callable<Integer> {
      @CommandLine.ParentCommand
      Set set;
      @Parameters(arity = "0..*", paramLabel = "KEY=VALUE")
      Map<String, String> labels = Map.of();

      @Override
      public Integer call() {
        for (String k : labels.keySet()) {
          if (!k.matches("([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw new AgentException(k + " is not a Kubernetes label name");
          }
        }
        set.save(set.load().withLabels(labels));
        System.out.println(labels.isEmpty() ? "✓ additional labels cleared" : "✓ additional labels set labels=" + new TreeMap<>(labels));
        return 0;
      }
    }
  }

  @Command(name = "show-config", description = "Shows the configuration and whether it can be used.")
  static final class ShowConfig implements Callable<Integer> {
    @CommandLine.ParentCommand
    SmmAgent agent;

    @Override
    public Integer call() {
      AgentConfig c = AgentConfig.load(agent.configFile());
      line(c.dashboardUrl() != null, c.dashboardUrl() != null ? "dashboard url=" + c.dashboardUrl() : "dashboard url not set");
      line(c.workloadGroup() != null, c.workloadGroup() != null ? "target workload-group namespace=" + c.workloadGroup().namespace()
          + ", name=" + c.workloadGroup().name() : "target workload-group not set");
      line(true, c.additionalLabels().isEmpty() ? "no additional labels set" : "additional labels " + new TreeMap<>(c.additionalLabels()));
      line(c.bearerToken() != null, c.bearerToken() != null ? "bearer token set" : "bearer token not set");
      line(true, c.nodeIp() != null ? "node-ip is set" : "node-ip not set: the address of the interface that reaches the dashboard is used");
      var problems = c.problems();
      if (!problems.isEmpty()) {
        problems.forEach(p -> System.out.println("✗ " + p));
        System.out.println("✗ configuration is invalid config=" + agent.configFile());
        return 1;
      }
      System.out.println("✓ configuration is valid");
      return 0;
    }

    private static void line(boolean ok, String text) {
      System.out.println((ok ? "✓ " : "✗ ") + text);
    }
  }

  @Command(name = "reconcile", description = "Configures and starts Istio on this machine once, and starts smm-agent's service.")
  static final class Reconcile implements Callable<Integer> {
    @CommandLine.ParentCommand
    SmmAgent agent;

    @Override
    public Integer call() {
      System.out.println("✓ reconciling host operating system");
      AgentConfig c = AgentConfig.load(agent.configFile());
      System.out.println("✓ configuration loaded config=" + agent.configFile());
      var outcome = new HostReconciler(agent.host(), new BootstrapClient(), System.out).reconcile(c.withDetectedNodeIp(), true);
      System.out.println(outcome.changed() ? "✓ changes were made to the host operating system" : "✓ no changes were needed");
      System.out.println("✓ reconciled host operating system");
      return 0;
    }
  }
}
