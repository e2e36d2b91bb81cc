package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox keeps its cluster: a user's Istio resource, SLO and dashboard session survive
 * `kill -9` of the sandbox and the next `sandbox up`; `--fresh` starts from an empty cluster.
 */
class SandboxRestartE2ETest {

  static final String USER_OBJECTS = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: reviews-canary, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 90
          - destination: {host: reviews, subset: v2}
            weight: 10
      ---
      apiVersion: sre.smm.cisco.com/v1alpha1
      kind: ServiceLevelObjective
      metadata: {name: reviews-availability, namespace: default}
      spec:
        selector: {name: reviews, namespace: default}
        sli:
          templateRef: {name: http-requests-success-rate, namespace: smm-system}
        slo:
          goal: "99.5"
          rolling: {length: 168h0m0s}
      """;
  static final ResourceDefinitionContext VIRTUAL_SERVICES = new ResourceDefinitionContext.Builder()
      .withGroup("networking.istio.io").withVersion("v1beta1").withKind("VirtualService").withPlural("virtualservices").withNamespaced(true).build();
  static final ResourceDefinitionContext SLOS = new ResourceDefinitionContext.Builder()
      .withGroup("sre.smm.cisco.com").withVersion("v1alpha1").withKind("ServiceLevelObjective").withPlural("servicelevelobjectives")
      .withNamespaced(true).build();

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aKilledSandboxComesBackWithItsObjectsAndSessionsAndFreshStartsEmpty(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    Path kubeconfig = smmHome.resolve("sandbox/kubeconfig");
    SmmProcess first = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    String session;
    try {
      String dashboard = dashboard(first);
      session = SandboxLogin.session(dashboard);
      try (KubernetesClient client = client(kubeconfig)) {
        for (var object : client.load(new ByteArrayInputStream(USER_OBJECTS.getBytes(StandardCharsets.UTF_8))).items()) {
          client.resource(object).create();
        }
      }
      // As a crash or an OOM kill would end it: no shutdown hook runs.
      first.process.toHandle().destroyForcibly();
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      first.process.destroyForcibly();
    }

    SmmProcess second = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      String dashboard = dashboard(second);
      assertThat(second.all).anyMatch(l -> l.contains("resumed the cluster of the previous sandbox"));
      try (KubernetesClient client = client(kubeconfig)) {
        GenericKubernetesResource vs = client.genericKubernetesResources(VIRTUAL_SERVICES).inNamespace("default").withName("reviews-canary").get();
        assertThat(vs).as("the user's VirtualService").isNotNull();
        assertThat(vs.get("spec", "http", 0, "route", 1, "weight").toString()).isEqualTo("10");
        assertThat(client.genericKubernetesResources(SLOS).inNamespace("default").withName("reviews-availability").get())
            .as("the user's SLO").isNotNull();
      }
      JsonNode me = SandboxE2ETest.JSON.readTree(graphql(dashboard, session, "{ me { username } }"));
      assertThat(me.at("/data/me/username").asText()).as("the session from before the kill: " + me).isEqualTo("sandbox-admin");
      stop(env, second);
    } finally {
      second.process.destroyForcibly();
    }

    SmmProcess fresh = SmmProcess.start(env, "sandbox", "up", "--fresh", "--skip-install", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      dashboard(fresh);
      try (KubernetesClient client = client(kubeconfig)) {
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("virtualservices.networking.istio.io").get())
            .as("--fresh: not even the Istio CRDs are left").isNull();
        assertThat(client.namespaces().withName("default").get()).as("a fresh cluster still has its default namespace").isNotNull();
      }
      stop(env, fresh);
    } finally {
      fresh.process.destroyForcibly();
      SandboxE2ETest.processesMentioning(smmHome.toString()).forEach(ProcessHandle::destroyForcibly);
    }
  }

  static String dashboard(SmmProcess up) throws InterruptedException {
    return up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: (\\S+).*", "$1");
  }

  static void stop(Map<String, String> env, SmmProcess up) throws Exception {
    SmmProcess.Result down = SmmProcess.run(env, "sandbox", "down");
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(up.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  String graphql(String dashboard, String session, String query) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
        .POST(HttpRequest.BodyPublishers.ofString(SandboxE2ETest.JSON.writeValueAsString(Map.of("query", query)))).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  static KubernetesClient client(Path kubeconfig) throws Exception {
    Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
