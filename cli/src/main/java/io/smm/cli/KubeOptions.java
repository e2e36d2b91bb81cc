package io.smm.cli;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.smm.sandbox.SandboxHome;
import io.smm.sandbox.SandboxState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The seed's global flags for reaching a cluster: -c/--kubeconfig and --context. */
public class KubeOptions {

  @Option(names = {"-c", "--kubeconfig"}, description = "Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).",
      scope = CommandLine.ScopeType.INHERIT)
  Path kubeconfig;

  @Option(names = "--context", description = "Name of the kubeconfig context to use.", scope = CommandLine.ScopeType.INHERIT)
  String context;

  /** Read before parsing by {@link LogLevels}; declared so every command accepts it and lists it in its help. */
  @Option(names = {"-v", "--verbose"}, description = "Show logs and stack traces (otherwise only the output and one-line errors).",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  /** A client for the chosen cluster, with the cluster name to show when no ControlPlane names it; closing it closes the client. */
  public record Connection(KubernetesClient client, String clusterName, String server) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  /** Builds a client and checks that the API server answers; one clear line otherwise. */
  public Connection connect() {
    return connectAs("the Kubernetes API server");
  }

  /** ... naming the cluster as {@code what} in that line (e.g. "peer cluster"). */
  Connection connectAs(String what) {
    Config config = config();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      client.close();
      throw new CliException("cannot reach " + what + " at " + config.getMasterUrl() + ": " + rootMessage(e), 1);
    }
    NamedContext current = config.getCurrentContext();
    String clusterName = current != null && current.getContext() != null && current.getContext().getCluster() != null
        ? current.getContext().getCluster() : "kubernetes";
    return new Connection(client, clusterName, config.getMasterUrl());
  }

  /** The cluster name of the kubeconfig's current (or chosen) context, without contacting the cluster. */
  public String contextClusterName() {
    NamedContext current = config().getCurrentContext();
    return current != null && current.getContext() != null && current.getContext().getCluster() != null
        ? current.getContext().getCluster() : "kubernetes";
  }

  /** Where Kubernetes mounts a pod's ServiceAccount token: present when this runs in a pod. */
  static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  Config config() {
    Path file = kubeconfig != null ? kubeconfig : defaultKubeconfig();
    if (kubeconfig == null && !Files.exists(file) && System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.exists(SERVICE_ACCOUNT_TOKEN)) {
      // In a pod (smm server / smm operator as the product's Deployments run them): the in-cluster
      // configuration, the pod's ServiceAccount, as client-go's rest.InClusterConfig.
      return new ConfigBuilder(Config.autoConfigure(null)).withConnectionTimeout(5_000).withRequestTimeout(15_000)
          .withRequestRetryBackoffLimit(1).build();
    }
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      throw new CliException("cannot read kubeconfig " + file + ": " + rootMessage(e), 1);
    }
    try {
      Config config = Config.fromKubeconfig(context, content, file.toString());
      // Fail fast: a wrong URL should answer within seconds, not after the default minute.
      return new ConfigBuilder(config).withConnectionTimeout(5_000).withRequestTimeout(15_000)
          .withRequestRetryBackoffLimit(1).build();
    } catch (RuntimeException e) {
      throw new CliException("cannot use kubeconfig " + file + (context != null ? " (context " + context + ")" : "")
          + ": " + rootMessage(e), 1);
    }
  }

  private static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env.split(File.pathSeparator)[0]);
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    if (Files.exists(home)) {
      return home;
    }
    // No kubeconfig of the user's own: the running sandbox's, so `smm dashboard` works after `make demo`.
    return SandboxState.read(SandboxHome.fromEnvironment().stateFile())
        .map(SandboxState::kubeconfig).filter(k -> k != null).map(Path::of).orElse(home);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return t == e ? m : (e.getMessage() != null && !e.getMessage().equals(m) ? firstLine(e.getMessage()) + " (" + m + ")" : m);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
