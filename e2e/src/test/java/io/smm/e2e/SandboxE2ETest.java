package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.smm.sandbox.testing.TestTimeouts;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The acceptance run: `bin/smm sandbox up` as a user starts it, kubectl against its
 * kubeconfig, Prometheus ready, a Deployment scaled by the sandbox kubelet, the dashboard in real
 * headless Chromium, and `sandbox down` leaving no process behind.
 */
class SandboxE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void eventually(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    Duration scaled = TestTimeouts.scaled(timeout);
    long start = System.nanoTime();
    long deadline = start + scaled.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + scaled.toSeconds() + "s waiting until " + what);
      }
      Thread.sleep(200);
    }
    TestTimeouts.waited(start, what);
  }

  static List<ProcessHandle> processesMentioning(String text) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .toList();
  }

  @Test
  void sandboxUpServesKubectlPrometheusPodsAndTheDashboardAndDownLeavesNothing(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    int dashboardPort = freePort();
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(dashboardPort));
    try {
      String dashboardLine = up.awaitLine("Dashboard: ", Duration.ofMinutes(2));
      String dashboard = dashboardLine.replaceFirst(".*Dashboard: (\\S+).*", "$1");
      assertThat(dashboard).isEqualTo("http://127.0.0.1:" + dashboardPort);

      SmmProcess.Result status = SmmProcess.run(env, "sandbox", "status", "-o", "json");
      assertThat(status.exitCode()).as(status.output()).isZero();
      JsonNode urls = JSON.readTree(status.output());
      assertThat(urls.fieldNames()).toIterable().containsExactly("kubeconfig", "kubeApi", "prometheus", "alertmanager", "dashboard");
      Path kubeconfig = Path.of(urls.path("kubeconfig").asText());
      assertThat(kubeconfig).isEqualTo(smmHome.resolve("sandbox/kubeconfig"));
      assertThat(urls.path("dashboard").asText()).isEqualTo(dashboard);

      SmmProcess.Result second = SmmProcess.run(env, "sandbox", "up", "--port", Integer.toString(freePort()));
      assertThat(second.exitCode()).isEqualTo(1);
      assertThat(second.output()).contains("already running");
      // Another sandbox (its own home) asking for the same dashboard port fails before starting anything.
      SmmProcess.Result samePort = SmmProcess.run(Map.of("SMM_HOME", smmHome.resolve("other").toString()),
          "sandbox", "up", "--port", Integer.toString(dashboardPort));
      assertThat(samePort.exitCode()).isEqualTo(1);
      assertThat(samePort.output()).startsWith("Error: Dashboard: port " + dashboardPort + " on 127.0.0.1 is in use")
          .contains("held by pid " + up.process.pid()).doesNotContain("Starting the smm sandbox").hasLineCount(1);

      checkKubectl(kubeconfig);
      assertThat(httpGet(urls.path("prometheus").asText() + "/-/ready").statusCode()).isEqualTo(200);
      assertThat(httpGet(urls.path("alertmanager").asText() + "/-/ready").statusCode()).isEqualTo(200);
      checkDeploymentScaling(kubeconfig);
      checkSmmServerWithKubeconfig(kubeconfig);
      checkDashboardLoginInChromium(dashboard, env, kubeconfig);

      SmmProcess.Result down = SmmProcess.run(env, "sandbox", "down");
      assertThat(down.exitCode()).as(down.output()).isZero();
      assertThat(up.process.waitFor(30, TimeUnit.SECONDS)).as("sandbox up has ended").isTrue();
      assertThat(up.all).contains("Sandbox stopped.");
      assertThat(processesMentioning(smmHome.toString())).as("no process of the sandbox is left").isEmpty();
      assertThat(smmHome.resolve("sandbox/state.json")).doesNotExist();
    } finally {
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
      processesMentioning(smmHome.toString()).forEach(ProcessHandle::destroyForcibly);
    }
  }

  void checkKubectl(Path kubeconfig) throws Exception {
    String kubectl = findOnPath("kubectl");
    if (kubectl == null) {
      System.out.println("SKIPPED kubectl check: kubectl is not on PATH");
      return;
    }
    Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig.toString(), "get", "nodes,ns").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("node/").contains("namespace/default").contains("namespace/kube-system");
    assertThat(out).as("server-side printing gives kubectl its usual columns").containsPattern("node/\\S+ +Ready +control-plane");

    // The everyday write path: apply, change, apply again (strategic merge patch), delete.
    Path manifest = Files.createTempFile("applied", ".yaml");
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: applied, namespace: default}
        spec:
          replicas: %d
          selector: {matchLabels: {app: applied}}
          template:
            metadata: {labels: {app: applied}}
            spec:
              containers: [{name: app, image: "%s"}]
        """;
    Files.writeString(manifest, yaml.formatted(2, "app:1"));
    assertThat(kubectl(kubectl, kubeconfig, "apply", "-f", manifest.toString())).contains("deployment.apps/applied created");
    Files.writeString(manifest, yaml.formatted(1, "app:2"));
    assertThat(kubectl(kubectl, kubeconfig, "apply", "-f", manifest.toString())).contains("deployment.apps/applied configured");
    assertThat(kubectl(kubectl, kubeconfig, "get", "deploy", "applied", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"))
        .isEqualTo("1 app:2");
    assertThat(kubectl(kubectl, kubeconfig, "delete", "-f", manifest.toString())).contains("deleted");
  }

  static String kubectl(String kubectl, Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl " + String.join(" ", args) + ": " + out).isZero();
    return out.trim();
  }

  void checkDeploymentScaling(Path kubeconfig) throws Exception {
    Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
          .withNewMetadata().withName("e2e").endMetadata()
          .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "e2e").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "e2e").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate()
          .endSpec().build()).create();
      eventually(() -> running(client).size() == 3, Duration.ofSeconds(30), "3 pods are Running");
      client.apps().deployments().inNamespace("default").withName("e2e").scale(1);
      eventually(() -> client.pods().inNamespace("default").withLabel("app", "e2e").list().getItems().size() == 1
          && running(client).size() == 1, Duration.ofSeconds(30), "1 pod is left");
    }
  }

  /** `smm -c <kubeconfig> server`: the backend role reaching the sandbox the way it reaches any cluster. */
  void checkSmmServerWithKubeconfig(Path kubeconfig) throws Exception {
    int port = freePort();
    SmmProcess server = SmmProcess.start(Map.of(), "-c", kubeconfig.toString(), "server", "--port", Integer.toString(port), "--als-port", "0");
    try {
      server.awaitLine("SMM backend for", Duration.ofSeconds(60));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/graphql"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + SandboxLogin.session("http://127.0.0.1:" + port))
          .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ clusters { name nodeCount } }\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode cluster = JSON.readTree(r.body()).path("data").path("clusters").get(0);
      assertThat(cluster.path("name").asText()).isEqualTo("smm-sandbox");
      assertThat(cluster.path("nodeCount").asInt()).isEqualTo(1);
    } finally {
      server.process.destroy();
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).as("smm server stops on SIGTERM").isTrue();
    }
  }

  static List<Pod> running(KubernetesClient client) {
    return client.pods().inNamespace("default").withLabel("app", "e2e").list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
  }

  /**
   * The dashboard asks for a login; `smm dashboard --no-browser`'s URL logs Chromium in (once:
   * the same URL again is refused); logging out ends the session on the backend too; the token
   * `smm login` prints works in the login window.
   */
  void checkDashboardLoginInChromium(String dashboard, Map<String, String> env, Path kubeconfig) throws Exception {
    try (Browser browser = new Browser()) {
      browser.driver.get(dashboard + "/#/overview");
      browser.await(d -> !d.findElements(By.cssSelector("[data-testid=login-token]")).isEmpty(),
          Duration.ofSeconds(20), "the dashboard asks for a login");
      browser.screenshot("login");

      SmmProcess.Result open = SmmProcess.run(env, "-c", kubeconfig.toString(), "dashboard", "--no-browser");
      assertThat(open.exitCode()).as(open.output()).isZero();
      assertThat(open.output()).contains("Logged in as sandbox-admin");
      String url = open.output().lines().filter(l -> l.contains("/#/login?token=")).findFirst().orElseThrow()
          .replaceFirst(".*?(http\\S+).*", "$1");
      browser.driver.get(url);
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=user]")).getText().contains("sandbox-admin"),
          Duration.ofSeconds(20), "the dashboard shows the logged-in user");
      assertThat(browser.driver.getCurrentUrl()).as("the used token is gone from the address bar").doesNotContain("token=");
      browser.await(d -> d.findElement(By.tagName("body")).getText().contains("smm-sandbox"), Duration.ofSeconds(30),
          "the Overview shows the sandbox cluster by name");
      browser.screenshot("overview");
      String session = (String) ((JavascriptExecutor) browser.driver)
          .executeScript("return JSON.parse(window.localStorage.getItem('smm.session')).token");

      browser.driver.findElement(By.cssSelector("[data-testid=logout]")).click();
      browser.await(d -> !d.findElements(By.cssSelector("[data-testid=login-token]")).isEmpty(),
          Duration.ofSeconds(20), "logging out shows the login window");
      HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ me { username } }\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).as("the logged-out session is refused by the backend").isEqualTo(401);
      assertThat(after.body()).contains("TOKEN_REVOKED");

      browser.driver.get(url);
      browser.await(d -> d.findElement(By.tagName("body")).getText().contains("already used"),
          Duration.ofSeconds(20), "a login URL works only once");

      SmmProcess.Result login = SmmProcess.run(env, "-c", kubeconfig.toString(), "login");
      assertThat(login.exitCode()).as(login.output()).isZero();
      List<String> lines = login.output().lines().toList();
      String token = lines.get(lines.indexOf(lines.stream().filter(l -> l.startsWith("Login token")).findFirst().orElseThrow()) + 1).trim();
      var input = browser.driver.findElement(By.cssSelector("[data-testid=login-token]"));
      input.sendKeys(token);
      input.submit();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=user]")).getText().contains("sandbox-admin"),
          Duration.ofSeconds(20), "a pasted `smm login` token logs in");
    }
  }

  HttpResponse<String> httpGet(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String findOnPath(String binary) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
