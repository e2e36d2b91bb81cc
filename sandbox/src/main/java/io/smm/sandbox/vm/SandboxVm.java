package io.smm.sandbox.vm;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.demo.DemoBehaviour;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.istiod.MeshCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual machine outside the cluster, for the sandbox: its own address (a loopback address of
 * its own, 127.x.y.z, so its ports are the real ones), its own file system root, an application
 * already running on it (a demo workload, as seed 2.9.4.1 starts a python web server first), and
 * the operating system parts smm-agent drives: systemd's services and the package manager, as
 * commands on the VM's PATH ({@code systemctl}, {@code dpkg-query}, {@code dpkg}, {@code curl})
 * that ask this process, so smm-agent runs unchanged, as on a real VM. Its services: {@code istio}
 * (the VM's sidecar, {@link VmSidecar}) and {@code smm-agent} (the real {@code smm-agent run} as a
 * child process). The istio-sidecar package comes preinstalled with the image at the version
 * given; installing another version records it (nothing is downloaded: the sandbox sends nothing
 * off this machine).
 */
public final class SandboxVm implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxVm.class);
  static final String PORT_FILE = "run/smm-vm.port";
  /** The VM's commands smm-agent uses, and {@code vm-app stop|start}: stop or start the VM's application (its service shut down). */
  static final List<String> COMMANDS = List.of("systemctl", "dpkg-query", "dpkg", "curl", "vm-app");

  /** What the VM is. */
  public record Options(Path root, InetAddress address, String hostname, String app, String version, Map<String, String> appEnv,
      String preinstalledIstio, List<String> agentCommand) {}

  private final Options options;
  private final KubernetesClient client;
  private final DemoRuntime runtime;
  private final ServerSocket control;
  private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("sandbox-vm"));
  private final Map<String, String> packages = new ConcurrentHashMap<>();
  private final Pod appPod;
  private volatile VmSidecar istio;
  private volatile Process agent;
  private volatile boolean appDown;

  /** @param client the sandbox cluster, which the VM's sidecar stand-in reads its routing from (what Envoy gets over xDS) */
  public SandboxVm(Options options, KubernetesClient client) {
    this.options = options;
    this.client = client;
    try {
      Path root = options.root();
      Files.createDirectories(root.resolve("etc"));
      Files.createDirectories(root.resolve("run"));
      Files.createDirectories(root.resolve("var/lib/dpkg")); // a Debian image: smm-agent installs .deb packages
      Files.createDirectories(root.resolve("var/log"));
      Files.writeString(root.resolve("etc/hostname"), options.hostname() + "\n");
      if (!Files.exists(root.resolve("etc/hosts"))) {
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n" + options.address().getHostAddress() + " " + options.hostname() + "\n");
      }
      writeCommands(root.resolve("sandbox/bin"));
      control = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      Files.writeString(root.resolve(PORT_FILE), Integer.toString(control.getLocalPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the VM's root " + options.root(), e);
    }
    if (options.preinstalledIstio() != null && !options.preinstalledIstio().isEmpty()) {
      packages.put("istio-sidecar", options.preinstalledIstio());
    }
    runtime = new DemoRuntime(client, "vm", MeshCa.create("cluster.local")).bindTo(options.address());
    appPod = appPod(false, Map.of(), null);
    runtime.start(appPod);
    threads.submit(this::serveControl);
    LOG.info("VM {} up at {}: {} {} on its ports", options.hostname(), options.address().getHostAddress(), options.app(), options.version());
  }

  /** The directory whose commands (systemctl, dpkg, ...) stand in for the VM's: put it first on smm-agent's PATH. */
  public Path commands() {
    return options.root().resolve("sandbox/bin");
  }

  /** The environment smm-agent runs with on this VM. */
  Map<String, String> agentEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", commands() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("SMM_AGENT_ROOT", options.root().toString());
    return env;
  }

  /**
   * The application's pod as this runtime runs it: the app container (the demo image, its ports and
   * behaviour) and, once Istio runs, the sidecar beside it, with the identity the VM's cluster.env
   * gives it (namespace, labels, service account, owned by its WorkloadGroup).
   */
  Pod appPod(boolean sidecar, Map<String, String> labels, VmSidecar.Identity identity) {
    ContainerBuilder app = new ContainerBuilder().withName(options.app()).withImage(DemoBehaviour.IMAGE + ":vm");
    app.addNewPort().withName("http").withContainerPort(8080).endPort();
    app.addNewPort().withName("grpc").withContainerPort(8082).endPort();
    options.appEnv().forEach((k, v) -> app.addNewEnv().withName(k).withValue(v).endEnv());
    Map<String, String> podLabels = new HashMap<>(labels);
    podLabels.putIfAbsent("app", options.app());
    podLabels.putIfAbsent("version", options.version());
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(options.hostname()).withUid(UUID.randomUUID().toString())
        .withNamespace(identity == null ? "default" : identity.namespace()).withLabels(podLabels).endMetadata()
        .withNewSpec().addToContainers(app.build()).endSpec()
        .withNewStatus().withPhase("Running").withPodIP(options.address().getHostAddress()).endStatus();
    if (sidecar) {
      pod.editSpec().withServiceAccountName(identity.serviceAccount())
          .addToContainers(new ContainerBuilder().withName("istio-proxy").withImage("docker.io/istio/proxyv2:" + identity.istioVersion())
              .addNewEnv().withName("ISTIO_META_CLUSTER_ID").withValue(identity.cluster()).endEnv().build()).endSpec();
      pod.editMetadata().addToAnnotations("sidecar.istio.io/status", "{\"revision\":\"" + identity.revision() + "\"}")
          .addNewOwnerReference().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup").withName(identity.group())
          .withUid("").endOwnerReference().endMetadata();
    }
    return pod.build();
  }

  private void serveControl() {
    while (!control.isClosed()) {
      try {
        Socket s = control.accept();
        threads.submit(() -> answer(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(Socket socket) {
    try (socket) {
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        return;
      }
      Result r = run(List.of(line.split("\t")));
      OutputStream out = socket.getOutputStream();
      out.write((r.exit() + "\t" + oneLine(r.out()) + "\t" + oneLine(r.err()) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException | RuntimeException e) {
      LOG.debug("VM control request failed: {}", e.getMessage());
    }
  }

  private static String oneLine(String s) {
    return s.replace('\t', ' ').replace('\n', ' ');
  }

  /** A command of the VM and what it answers. */
  record Result(int exit, String out, String err) {
    static Result ok() {
      return new Result(0, "", "");
    }
  }

  /** The VM's commands: what systemd, dpkg and curl would do here. */
  synchronized Result run(List<String> command) {
    String name = command.get(0);
    List<String> args = command.subList(1, command.size());
    return switch (name) {
      case "systemctl" -> systemctl(args);
      case "dpkg-query" -> {
        String pkg = args.get(args.size() - 1);
        String v = packages.get(pkg);
        yield v == null ? new Result(1, "", "dpkg-query: no packages found matching " + pkg) : new Result(0, v, "");
      }
      case "dpkg" -> {
        // dpkg -i /var/cache/smm-agent/downloads/istio-sidecar-1.15.7.deb
        String file = Path.of(args.get(args.size() - 1)).getFileName().toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+)-([0-9][^-]*)\\.deb").matcher(file);
        if (!m.matches()) {
          yield new Result(1, "", "dpkg: error: cannot access archive '" + file + "'");
        }
        packages.put(m.group(1), m.group(2));
        yield Result.ok();
      }
      case "curl" -> curl(args);
      case "vm-app" -> {
        if (args.size() != 1 || !List.of("stop", "start").contains(args.get(0))) {
          yield new Result(2, "", "usage: vm-app stop|start");
        }
        appDown = args.get(0).equals("stop");
        runtime.applicationDown(istio != null ? istio.pod() : appPod, appDown);
        yield Result.ok();
      }
      default -> new Result(127, "", name + ": command not found");
    };
  }

  private Result systemctl(List<String> args) {
    if (args.isEmpty()) {
      return new Result(1, "", "systemctl: missing verb");
    }
    String service = args.get(args.size() - 1).replaceFirst("\\.service$", "");
    String verb = args.get(0);
    return switch (verb) {
      case "is-active" -> active(service) ? Result.ok() : new Result(3, "inactive", "");
      case "start" -> start(service);
      case "stop" -> {
        stop(service);
        yield Result.ok();
      }
      case "enable" -> new Result(0, "Created symlink /etc/systemd/system/multi-user.target.wants/" + service + ".service → /lib/systemd/system/"
          + service + ".service.", "");
      case "daemon-reload" -> Result.ok();
      default -> new Result(1, "", "systemctl: verb " + verb + " is not known on this VM");
    };
  }

  boolean active(String service) {
    return switch (service) {
      case "istio" -> istio != null && istio.running();
      case "smm-agent" -> agent != null && agent.isAlive();
      default -> false;
    };
  }

  private Result start(String service) {
    if (active(service)) {
      return Result.ok();
    }
    switch (service) {
      case "istio" -> {
        if (!packages.containsKey("istio-sidecar")) {
          return new Result(5, "", "Failed to start istio.service: Unit istio.service not found.");
        }
        if (istio != null) {
          stop("istio"); // exited (istiod refused or dropped it): start afresh
        }
        try {
          runtime.stop(appPod);
          istio = new VmSidecar(options, client, this);
          runtime.applicationDown(istio.pod(), appDown);
        } catch (RuntimeException e) {
          istio = null;
          runtime.start(appPod);
          return new Result(1, "", "istio.service failed: " + e.getMessage());
        }
        return Result.ok();
      }
      case "smm-agent" -> {
        List<String> command = unitCommand("smm-agent").orElseGet(() -> {
          List<String> c = new ArrayList<>(options.agentCommand());
          c.add("run");
          return c;
        });
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(options.root().resolve("var/log/smm-agent.log").toFile()));
        pb.environment().putAll(agentEnvironment());
        try {
          agent = pb.start();
        } catch (IOException e) {
          return new Result(1, "", "smm-agent.service failed: " + e.getMessage());
        }
        return Result.ok();
      }
      default -> {
        return new Result(5, "", "Failed to start " + service + ".service: Unit " + service + ".service not found.");
      }
    }
  }

  private void stop(String service) {
    if (service.equals("istio") && istio != null) {
      VmSidecar s = istio;
      istio = null;
      s.close();
      runtime.stop(s.pod());
      runtime.start(appPod);
      runtime.applicationDown(appPod, appDown);
    } else if (service.equals("smm-agent") && agent != null) {
      agent.destroy();
      try {
        agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      agent = null;
    }
  }

  /** What systemd would run for a service: its unit's ExecStart (paths on the VM, under its root), when the unit is installed. */
  private java.util.Optional<List<String>> unitCommand(String service) {
    Path unit = options.root().resolve("lib/systemd/system/" + service + ".service");
    try {
      if (!Files.exists(unit)) {
        return java.util.Optional.empty();
      }
      return Files.readAllLines(unit).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().map(l -> {
        List<String> words = new ArrayList<>(List.of(l.substring("ExecStart=".length()).trim().split("\\s+")));
        words.set(0, options.root().resolve(words.get(0).substring(1)).toString());
        return words;
      });
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * curl on the VM: a URL of this machine (the dashboard, 127.0.0.0/8) is really fetched; any other
   * (Istio's package repository) stands for a download the sandbox does not make, an empty file.
   */
  private Result curl(List<String> args) {
    int o = args.indexOf("-o");
    String url = args.get(args.size() - 1);
    Path target = o >= 0 && o + 1 < args.size() ? Path.of(args.get(o + 1)) : null;
    if (target == null) {
      return new Result(2, "", "curl: this VM's curl writes to a file (-o FILE) only");
    }
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      URI uri = URI.create(url);
      if (uri.getHost() != null && uri.getHost().startsWith("127.")) {
        HttpResponse<Path> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofFile(target));
        return r.statusCode() < 400 ? Result.ok() : new Result(22, "", "curl: (22) The requested URL returned error: " + r.statusCode());
      }
      Files.writeString(target, "");
      return Result.ok();
    } catch (IOException | IllegalArgumentException e) {
      return new Result(7, "", "curl: (7) " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "", "curl: interrupted");
    }
  }

  /** The version of an installed package (the istio-sidecar a started Istio is). */
  String installedVersion(String pkg) {
    return packages.getOrDefault(pkg, "unknown");
  }

  DemoRuntime runtime() {
    return runtime;
  }

  /** Writes the VM's systemctl, dpkg-query, dpkg and curl: each sends its name and arguments to this process and prints the answer. */
  private static void writeCommands(Path dir) throws IOException {
    Files.createDirectories(dir);
    String script = """
        #!/usr/bin/env bash
        # A sandbox VM's command: the VM's process answers it (see io.smm.sandbox.vm.SandboxVm).
        port="$(cat "${SMM_AGENT_ROOT:?}/%s")" || exit 127
        exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 127
        (IFS=$'\\t'; printf '%%s\\n' "$(basename "$0")	$*") >&3
        IFS=$'\\t' read -r code out err <&3
        [ -n "$out" ] && printf '%%s\\n' "$out"
        [ -n "$err" ] && printf '%%s\\n' "$err" >&2
        exit "${code:-1}"
        """.formatted(PORT_FILE);
    for (String name : COMMANDS) {
      Path f = dir.resolve(name);
      Files.writeString(f, script);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Override
  public void close() {
    stop("smm-agent");
    stop("istio");
    try {
      control.close();
    } catch (IOException e) {
      // closing
    }
    runtime.close();
    threads.shutdownNow();
  }
}
