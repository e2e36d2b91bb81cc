package io.smm.cli;

import io.smm.backend.BuildInfo;
import io.smm.sandbox.prometheus.MissingBinaryException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `smm`: the CLI, and the entry point of every role of the distribution. */
@Command(name = "smm", mixinStandardHelpOptions = true, versionProvider = Smm.Version.class,
    description = "Service Mesh Manager: Istio lifecycle, observability and traffic management.",
    subcommands = {InstallCommand.class, ReconcileCommand.class, UninstallCommand.class, OperatorCommand.class, IstioCommand.class, DemoAppCommand.class,
        SidecarProxyCommand.class, ServerCommand.class, TapCommand.class, AnalyzeCommand.class, LoginCommand.class, DashboardCommand.class,
        SandboxCommand.class, SupportBundleCommand.class, ConfigCommand.class, RegistryCommand.class, ClusterRegistryCommand.class,
        CommandLine.HelpCommand.class})
public class Smm implements Runnable {

  @Mixin
  KubeOptions kube;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    LogLevels.configure(args);
    System.exit(execute(args));
  }

  static int execute(String... args) {
    return execute(new PrintWriter(System.err, true), args);
  }

  static int execute(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Smm());
    cli.setErr(err);
    AnalyzeCommand.describeChecks(cli.getSubcommands().get("analyze"));
    boolean verbose = LogLevels.verbose(args);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (verbose) {
        e.printStackTrace(cmd.getErr());
      }
      if (e instanceof CliException c) {
        cmd.getErr().println("Error: " + oneLine(c.getMessage()));
        return c.exitCode();
      }
      if (e instanceof MissingBinaryException) {
        cmd.getErr().println("Error: " + oneLine(e.getMessage()));
        return 2;
      }
      cmd.getErr().println("Error: " + oneLine(KubeOptions.rootMessage(e)));
      return 1;
    });
    return cli.execute(args);
  }

  /** Errors are one line: libraries (YAML parsers, HTTP clients) like to spread theirs over several. */
  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  static class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"smm " + BuildInfo.load().version()};
    }
  }
}
