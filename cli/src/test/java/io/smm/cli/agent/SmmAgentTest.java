package io.smm.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.smm.sandbox.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smm-agent's commands as a user runs them on a VM (seed 2.9.4.1), against a dashboard stand-in
 * that answers as the backend's VM route does and a host whose dpkg and systemctl are recorded:
 * the configuration file they write, what show-config says, what reconcile writes and starts,
 * and that a refused token or unknown group leaves the VM untouched.
 */
class SmmAgentTest {

  @TempDir
  Path root;
  HttpServer dashboard;
  final AtomicReference<String> answer = new AtomicReference<>();
  final AtomicReference<Integer> status = new AtomicReference<>(200);
  final List<String> authorizations = new ArrayList<>();
  RecordingHost host;

  static final String BOOTSTRAP = """
      {"namespace":"smm-demo","workloadGroup":"analytics-v0","serviceAccount":"default","network":"vm-network-1",
       "clusterId":"primary","revision":"cp-v115x.istio-system","istioVersion":"1.15.3",
       "discoveryAddress":"istiod-cp-v115x.istio-system.svc:15012","gatewayAddresses":["%s"],
       "files":{"cluster.env":"ISTIO_META_AUTO_REGISTER_GROUP=analytics-v0\\nISTIO_METAJSON_LABELS='{\\"app\\":\\"analytics\\",\\"version\\":\\"v0\\"}'\\nISTIO_META_NETWORK=vm-network-1\\n",
        "mesh.yaml":"defaultConfig:\\n  discoveryAddress: istiod-cp-v115x.istio-system.svc:15012\\n",
        "root-cert.pem":"ROOT\\n","hosts":"%s istiod-cp-v115x.istio-system.svc\\n"}}
      """;

  /** A host whose commands are recorded: dpkg-query knows the packages installed, systemctl the services started. */
  static final class RecordingHost extends SystemdHost {
    final List<String> commands = new ArrayList<>();
    final Map<String, String> packages = new HashMap<>();
    final Map<String, Boolean> services = new HashMap<>();

    RecordingHost(Path root) {
      super(root);
    }

    @Override
    protected Result run(String... command) {
      commands.add(String.join(" ", command));
      return switch (command[0]) {
        case "dpkg-query" -> packages.containsKey(command[3]) ? new Result(0, packages.get(command[3]), "")
            : new Result(1, "", "dpkg-query: no packages found matching " + command[3]);
        case "systemctl" -> switch (command[1]) {
          case "is-active" -> new Result(services.getOrDefault(command[3], false) ? 0 : 3, "", "");
          case "start" -> {
            services.put(command[2], true);
            yield new Result(0, "", "");
          }
          default -> {
            services.put(command[2], false);
            yield new Result(0, "", "");
          }
        };
        case "dpkg" -> {
          packages.put("istio-sidecar", "1.15.3");
          yield new Result(0, "", "");
        }
        default -> new Result(0, "", "");
      };
    }
  }

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(root.resolve("etc/hostname"), "analytics-vm-1\n");
    host = new RecordingHost(root);
    answer.set(BOOTSTRAP.formatted("203.0.113.7", "203.0.113.7"));
    dashboard = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    dashboard.createContext("/api/vm/v1/workloadgroups/", ex -> {
      authorizations.add(ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Authorization"));
      byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    dashboard.start();
  }

  @AfterEach
  void stop() {
    dashboard.stop(0);
  }

  record Run(int exit, String out, String err) {}

  Run agent(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = SmmAgent.execute(Map.of(SmmAgent.ROOT_ENV, root.toString()), r -> host, args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  String dashboardUrl() {
    return "http://127.0.0.1:" + dashboard.getAddress().getPort();
  }

  void configure() {
    assertThat(agent("set", "dashboard-url", dashboardUrl()).exit()).isZero();
    assertThat(agent("set", "workload-group", "smm-demo", "analytics-v0").out())
        .isEqualTo("✓ target workload group set namespace=smm-demo, name=analytics-v0\n");
    assertThat(agent("set", "bearer-token", "sa-token-123").out()).isEqualTo("✓ bearer token set\n");
    assertThat(agent("set", "node-ip", "10.20.0.5").out()).isEqualTo("✓ node-ip is set ip=10.20.0.5\n");
  }

  @Test
  void theSetCommandsWriteTheConfigFileAndShowConfigValidatesIt() throws Exception {
    Run empty = agent("show-config");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.out()).contains("✗ no workload group: run 'smm-agent set workload-group <namespace> <name>'", "✗ configuration is invalid");

    configure();
    Path file = root.resolve("etc/smm/agent.yaml");
    assertThat(Files.readString(file)).contains("dashboardURL: " + dashboardUrl(), "namespace: smm-demo", "name: analytics-v0",
        "bearerToken: sa-token-123", "nodeIP: 10.20.0.5");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("it holds a token").isEqualTo("rw-------");
    Run shown = agent("show-config");
    assertThat(shown.exit()).isZero();
    assertThat(shown.out()).isEqualTo("""
        ✓ dashboard url=%s
        ✓ target workload-group namespace=smm-demo, name=analytics-v0
        ✓ no additional labels set
        ✓ bearer token set
        ✓ node-ip is set
        ✓ configuration is valid
        """.formatted(dashboardUrl()));
  }

  @Test
  void badValuesAreRefusedAndTheFileKeepsWhatItHad() throws Exception {
    configure();
    String before = Files.readString(root.resolve("etc/smm/agent.yaml"));
    assertThat(agent("set", "node-ip", "vm.example.com").err()).contains("✗ vm.example.com is not an IP address");
    assertThat(agent("set", "node-ip", "300.1.1.1").exit()).isEqualTo(1);
    assertThat(agent("set", "workload-group", "Smm_Demo", "x").err()).contains("is not a Kubernetes namespace and object name");
    assertThat(agent("set", "bearer-token", "two words").err()).contains("white space");
    assertThat(agent("set", "dashboard-url", "ftp://x").err()).contains("is not an http(s) URL");
    assertThat(Files.readString(root.resolve("etc/smm/agent.yaml"))).isEqualTo(before);

    Files.writeString(root.resolve("etc/smm/agent.yaml"), before + "bearerTokn: typo\n");
    Run typo = agent("show-config");
    assertThat(typo.exit()).isEqualTo(1);
    assertThat(typo.err()).contains("is not a valid smm-agent configuration", "bearerTokn");
  }

  @Test
  void reconcileWritesIstiosVmFilesInstallsTheSidecarAndStartsIstioAndTheAgent() throws Exception {
    configure();
    agent("set", "labels", "rack=r7");
    Run run = agent("reconcile");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("✓ reconciling host operating system\n✓ configuration loaded config=")
        .contains("✓ install-pilot-agent ❯ downloading and installing OS package component=pilot-agent, version=1.15.3, "
            + "source=https://storage.googleapis.com/istio-release/releases/1.15.3/deb/istio-sidecar.deb")
        .contains("✓ systemd-ensure-istio-running ❯ starting service args=[istio]")
        .contains("✓ systemd-ensure-smm-agent-running ❯ starting service args=[smm-agent]")
        .endsWith("✓ changes were made to the host operating system\n✓ reconciled host operating system\n");
    assertThat(authorizations).containsExactly("/api/vm/v1/workloadgroups/smm-demo/analytics-v0 Bearer sa-token-123");
    String env = Files.readString(root.resolve("var/lib/istio/envoy/cluster.env"));
    assertThat(env).contains("ISTIO_META_AUTO_REGISTER_GROUP=analytics-v0\n", "ISTIO_SVC_IP=10.20.0.5\n",
        "ISTIO_METAJSON_LABELS='{\"app\":\"analytics\",\"rack\":\"r7\",\"version\":\"v0\"}'\n");
    assertThat(Files.readString(root.resolve("etc/istio/config/mesh"))).contains("discoveryAddress: istiod-cp-v115x.istio-system.svc:15012");
    assertThat(Files.readString(root.resolve("etc/certs/root-cert.pem"))).isEqualTo("ROOT\n");
    assertThat(Files.readString(root.resolve("var/run/secrets/tokens/istio-token"))).isEqualTo("sa-token-123");
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n# BEGIN smm-agent: mesh addresses\n"
        + "203.0.113.7 istiod-cp-v115x.istio-system.svc\n# END smm-agent\n");
    assertThat(host.commands).contains("systemctl start istio", "systemctl start smm-agent")
        .anyMatch(c -> c.startsWith("dpkg -i ") && c.endsWith("istio-sidecar-1.15.3.deb"));

    // Nothing changed: nothing is written, installed or started.
    host.commands.clear();
    Run again = agent("reconcile");
    assertThat(again.out()).contains("✓ no changes were needed").doesNotContain("file written");
    assertThat(host.commands).noneMatch(c -> c.startsWith("dpkg -i") || c.startsWith("systemctl start"));

    // The gateway moved: the agent follows it in /etc/hosts, and nothing else.
    answer.set(BOOTSTRAP.formatted("198.51.100.9", "198.51.100.9"));
    Run moved = agent("reconcile");
    assertThat(moved.out()).contains("✓ write-istio-config ❯ file written path=/etc/hosts").containsOnlyOnce("file written");
    assertThat(Files.readString(root.resolve("etc/hosts"))).contains("198.51.100.9 istiod-cp-v115x.istio-system.svc\n")
        .doesNotContain("203.0.113.7").startsWith("127.0.0.1 localhost\n");
  }

  @Test
  void aRefusedTokenOrAnUnknownGroupLeavesTheVmUntouched() throws Exception {
    configure();
    status.set(401);
    answer.set("{\"error\":\"bearer token rejected: the Kubernetes API does not accept these credentials\"}");
    Run rejected = agent("reconcile");
    assertThat(rejected.exit()).isEqualTo(1);
    assertThat(rejected.err()).contains("✗ fetch-config ❯ the bearer token was rejected (wrong or expired?)");
    status.set(404);
    answer.set("{\"error\":\"WorkloadGroup smm-demo/analytics-v0 not found\"}");
    assertThat(agent("reconcile").err()).contains("✗ fetch-config ❯ WorkloadGroup smm-demo/analytics-v0 not found");
    dashboard.stop(0);
    assertThat(agent("reconcile").err()).contains("✗ fetch-config ❯ dashboard " + dashboardUrl() + " is unreachable");

    assertThat(root.resolve("var/lib/istio/envoy/cluster.env")).doesNotExist();
    assertThat(root.resolve("var/run/secrets/tokens/istio-token")).doesNotExist();
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
    assertThat(host.commands).noneMatch(c -> c.startsWith("dpkg -i") || c.startsWith("systemctl start"));
  }
  @Test
  void runSaysWhyAPassFailedRetriesWithBackoffAndReconcilesOnceTheGroupIsThere() throws Exception {
    configure();
    status.set(404);
    answer.set("{\"error\":\"WorkloadGroup smm-demo/analytics-v0 not found\"}");
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicReference<Integer> exit = new AtomicReference<>();
    Thread service = new Thread(() -> exit.set(SmmAgent.execute(Map.of(SmmAgent.ROOT_ENV, root.toString()), r -> host, "run", "--interval", "1")));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      service.start();
      // The group is missing (never made, or deleted while the VM was attached): each pass says so, waiting twice as long each time.
      awaitOutput(out, "WorkloadGroup smm-demo/analytics-v0 not found (retrying in 2s)");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("✗ ", "fetch-config ❯ WorkloadGroup smm-demo/analytics-v0 not found (retrying in 1s)");
      assertThat(host.commands).noneMatch(c -> c.startsWith("dpkg -i") || c.startsWith("systemctl start"));

      status.set(200);
      answer.set(BOOTSTRAP.formatted("203.0.113.7", "203.0.113.7"));
      awaitOutput(out, "changes were made to the host operating system");
      assertThat(host.commands).contains("systemctl start istio");
      assertThat(Files.readString(root.resolve("etc/hosts"))).contains("203.0.113.7 istiod-cp-v115x.istio-system.svc");
    } finally {
      service.interrupt();
      service.join(10_000);
      System.setOut(stdout);
    }
    assertThat(service.isAlive()).as("the service stops when interrupted").isFalse();
    assertThat(exit.get()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("✓ smm-agent stopped (Istio keeps running: 'systemctl stop istio' de-registers this machine)\n");
  }

  /** Waits (up to a minute, scaled for a loaded machine) for the running agent to print {@code text}. */
  static void awaitOutput(ByteArrayOutputStream out, String text) throws InterruptedException {
    Eventually.until(() -> out.toString(StandardCharsets.UTF_8).contains(text), Duration.ofMinutes(1),
        () -> "smm-agent run printed '" + text + "'; it printed:\n" + out.toString(StandardCharsets.UTF_8));
  }
}
