package io.smm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.kube.PortInUseException;
import io.smm.sandbox.testing.IstioFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.smm.sandbox.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole sandbox with the real prometheus and alertmanager binaries. */
class SandboxTest {

  final HttpClient http = HttpClient.newHttpClient();
  final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  @Test
  void upStartsEverythingScrapesAnnotatedPodsAndCloseLeavesNoProcess(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    long promPid;
    long amPid;
    try (Sandbox sandbox = Sandbox.up(home, new SandboxOptions(0, 0, 0, false), List.of(), quiet)) {
      SandboxState state = SandboxState.read(home.stateFile()).orElseThrow();
      assertThat(state.pid()).isEqualTo(ProcessHandle.current().pid());
      promPid = state.children().get("prometheus");
      amPid = state.children().get("alertmanager");
      assertThat(get(state.prometheus() + "/-/ready")).contains("Ready");
      assertThat(get(state.alertmanager() + "/-/ready")).contains("OK");

      // The kubeconfig on disk reaches the API server.
      Config config = Config.fromKubeconfig(null, Files.readString(home.kubeconfig()), home.kubeconfig().toString());
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThat(client.nodes().list().getItems()).hasSize(1);
        // A pod annotated for scraping becomes a Prometheus target without a restart.
        client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
            .withNewMetadata().withName("metrics-app").endMetadata()
            .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "metrics-app").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "metrics-app")
            .addToAnnotations("prometheus.io/scrape", "true").addToAnnotations("prometheus.io/port", "9999").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("app").endContainer().endSpec().endTemplate()
            .endSpec().build()).create();
      }
      Eventually.until(() -> {
        try {
          JsonNode targets = Serialization.unmarshal(get(state.prometheus() + "/api/v1/targets"), JsonNode.class);
          int found = 0;
          for (JsonNode t : targets.path("data").path("activeTargets")) {
            if (t.path("labels").path("app").asText().equals("metrics-app") && t.path("labels").path("namespace").asText().equals("default")) {
              found++;
            }
          }
          return found == 2;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(30), "Prometheus discovers both pods");
    }
    assertThat(ProcessHandle.of(promPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(ProcessHandle.of(amPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(home.stateFile()).doesNotExist();
  }

  @Test
  void prometheusRulesBecomeLoadedRuleFilesAndABrokenOneIsLeftOut(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    try (Sandbox sandbox = Sandbox.up(home, new SandboxOptions(0, 0, 0, false), List.of(), quiet)) {
      KubernetesClient client = sandbox.client();
      IstioFixtures.crd(client, "monitoring.coreos.com", "v1", "PrometheusRule");
      client.resource(rule("good", "smm_test:one:ratio", "vector(1)")).create();
      client.resource(rule("broken", "smm_test:two:ratio", "sum(rate(x[5m]")).create();
      String prometheus = sandbox.state().prometheus();
      Eventually.until(() -> {
        try {
          return get(prometheus + "/api/v1/query?query=smm_test:one:ratio").contains("\"value\"");
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(30), "the good rule is loaded and evaluated");
      assertThat(get(prometheus + "/api/v1/rules")).contains("smm_test:one:ratio").doesNotContain("smm_test:two:ratio");

      client.resource(rule("good", "smm_test:one:ratio", "vector(1)")).delete();
      Eventually.until(() -> {
        try {
          return !get(prometheus + "/api/v1/rules").contains("smm_test:one:ratio");
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(30), "the deleted rule is unloaded");
    }
  }

  static GenericKubernetesResource rule(String name, String record, String expr) {
    return new GenericKubernetesResourceBuilder().withApiVersion("monitoring.coreos.com/v1")
        .withKind("PrometheusRule").withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .addToAdditionalProperties("spec", Map.of("groups", List.of(Map.of("name", name,
            "rules", List.of(Map.of("record", record, "expr", expr)))))).build();
  }

  @Test
  void prometheusIsRestartedWhenItCrashes(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    try (Sandbox sandbox = Sandbox.up(home, new SandboxOptions(0, 0, 0, false), List.of(), quiet)) {
      long first = SandboxState.read(home.stateFile()).orElseThrow().children().get("prometheus");
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      Eventually.until(() -> {
        Long now = SandboxState.read(home.stateFile()).orElseThrow().children().get("prometheus");
        return now != first && sandbox.prometheus().process().isAlive();
      }, Duration.ofSeconds(20), "a new prometheus runs and is recorded");
      sandbox.prometheus().process().awaitReady(sandbox.prometheus().url() + "/-/ready", Duration.ofSeconds(30));
    }
  }

  @Test
  void aStaleStateFromAKilledRunIsCleanedAndItsLeftoverChildStopped(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    // A leftover "prometheus" of a killed sandbox: a process whose command line names its data dir.
    Process leftover = new ProcessBuilder("sh", "-c", "sleep 60", home.prometheusDir().toString()).start();
    Process deadOwner = new ProcessBuilder("true").start();
    deadOwner.waitFor();
    new SandboxState(deadOwner.pid(), home.kubeconfig().toString(), "http://127.0.0.1:1", null, null, null,
        Map.of("prometheus", leftover.pid())).write(home.stateFile());

    try (Sandbox sandbox = Sandbox.up(home, new SandboxOptions(0, 0, 0, false), List.of(), quiet)) {
      assertThat(leftover.isAlive()).isFalse();
      assertThat(sandbox.state().pid()).isEqualTo(ProcessHandle.current().pid());
    } finally {
      leftover.destroyForcibly();
    }
  }

  @Test
  void refusesToStartTwiceAndNamesTheRunningOne(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    // Another live process that is a sandbox by its command line.
    Process other = new ProcessBuilder("sh", "-c", "sleep 60", "smm-sandbox").start();
    try {
      new SandboxState(other.pid(), "k", "http://127.0.0.1:1", null, null, "http://127.0.0.1:50500", Map.of())
          .write(home.stateFile());
      assertThatThrownBy(() -> Sandbox.up(home, new SandboxOptions(0, 0, 0, false), List.of(), quiet))
          .isInstanceOf(SandboxAlreadyRunningException.class).hasMessageContaining("pid " + other.pid());
      assertThat(home.stateFile()).as("the running sandbox's state is kept").exists();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void aTakenPrometheusPortIsReportedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Sandbox.up(home, new SandboxOptions(0, taken.getLocalPort(), 0, false), List.of(), quiet))
          .isInstanceOf(PortInUseException.class).hasMessageContaining("Prometheus").hasMessageContaining("" + taken.getLocalPort());
    }
    assertThat(home.stateFile()).doesNotExist();
  }
}
