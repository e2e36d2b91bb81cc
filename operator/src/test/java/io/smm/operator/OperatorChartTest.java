package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.OpenApiValidator;
import io.smm.sandbox.testing.Conformance;
import io.smm.sandbox.testing.InProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator-mode Helm chart (charts/smm-operator), checked with real Helm (helm-java): lint,
 * template with default and non-default values, a values schema that refuses a wrong type, CRDs
 * equal to the ones the product generates, every object valid for Kubernetes 1.25, and the whole
 * chart accepted by the sandbox API server (which refuses what kube-apiserver refuses).
 */
class OperatorChartTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path CHART = Path.of("../charts/smm-operator");
  private static OpenApiValidator kubernetes;

  @BeforeAll
  static void schemas() {
    kubernetes = Conformance.kubernetesSchemas();
  }

  @Test
  void lintPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultValuesRenderAValidOperatorThatTheApiServerAccepts() throws IOException {
    List<JsonNode> objects = template(null);
    assertThat(objects).extracting(o -> o.path("kind").asText())
        .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
    JsonNode container = find(objects, "Deployment").at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("ghcr.io/smm/smm:0.1.0-SNAPSHOT");
    assertThat(container.path("args").toString()).isEqualTo("[\"operator\",\"--lease-namespace\",\"smm-system\",\"--identity\",\"$(POD_NAME)\"]");
    assertValid(objects);
    try (InProcessCluster cluster = InProcessCluster.apiOnly()) {
      for (JsonNode crd : crds()) {
        cluster.client.resource(Serialization.unmarshal(crd.toString(), GenericKubernetesResource.class)).create();
      }
      cluster.client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName("smm-system").endMetadata().build()).create();
      for (JsonNode o : objects) {
        cluster.client.resource(Serialization.unmarshal(o.toString(), GenericKubernetesResource.class)).create();
      }
      assertThat(cluster.client.apps().deployments().inNamespace("smm-system").withName("smm-operator").get()).isNotNull();
    }
  }

  @Test
  void nonDefaultValuesReachTheDeployment(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, """
        image: {repository: registry.example.com/platform/smm, tag: "1.2.3", pullPolicy: Always}
        imagePullSecrets: [{name: regcred}]
        replicaCount: 2
        leaderElection: {namespace: smm-leases}
        resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {memory: 2Gi}}
        nodeSelector: {kubernetes.io/os: linux}
        """);
    List<JsonNode> objects = template(values);
    JsonNode deployment = find(objects, "Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("registry.example.com/platform/smm:1.2.3");
    assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(container.path("args").get(2).asText()).isEqualTo("smm-leases");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("2Gi");
    assertThat(deployment.at("/spec/template/spec/nodeSelector/kubernetes.io~1os").asText()).isEqualTo("linux");
    assertThat(find(objects, "ServiceAccount").at("/imagePullSecrets/0/name").asText()).isEqualTo("regcred");
    assertValid(objects);
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedByTheValuesSchema(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, "replicaCount: two\n");
    Throwable refused = catchThrowable(() -> new Helm(CHART).template().withName("smm").withNamespace("smm-system")
        .withValuesFile(values).call());
    assertThat(refused).isNotNull().hasMessageContaining("replicaCount");
  }

  /** The chart's crds/ are what the product generates (SmmCrds); -Dsmm.updateChartCrds=true rewrites them. */
  @Test
  void theChartsCrdsAreTheProductsOwn() throws IOException {
    StringBuilder generated = new StringBuilder("# Generated from io.smm.api.crd.SmmCrds by OperatorChartTest"
        + " (mvn test -pl operator -Dtest=OperatorChartTest -Dsmm.updateChartCrds=true); do not edit.\n");
    for (SmmCrds.Kind kind : SmmCrds.ALL) {
      generated.append(Serialization.asYaml(SmmCrds.crd(kind)).replaceFirst("^---\n", "---\n"));
    }
    Path file = CHART.resolve("crds/smm-crds.yaml");
    if (Boolean.getBoolean("smm.updateChartCrds")) {
      Files.writeString(file, generated.toString());
    }
    List<JsonNode> expected = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(generated.toString()), JsonNode.class).readAll()) {
      expected.add(doc);
    }
    assertThat(crds()).as("charts/smm-operator/crds/smm-crds.yaml is stale; regenerate it (see this test)").isEqualTo(expected);
  }

  private static List<JsonNode> crds() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(CHART.resolve("crds/smm-crds.yaml").toFile()), JsonNode.class).readAll()) {
      if (doc != null && doc.isObject()) {
        out.add(doc);
      }
    }
    return out;
  }

  private static List<JsonNode> template(Path values) throws IOException {
    var template = new Helm(CHART).template().withName("smm").withNamespace("smm-system");
    if (values != null) {
      template.withValuesFile(values);
    }
    String manifest = template.call();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(manifest), JsonNode.class).readAll()) {
      if (doc != null && doc.isObject()) {
        out.add(doc);
      }
    }
    return out;
  }

  private static void assertValid(List<JsonNode> objects) {
    List<String> problems = new ArrayList<>();
    for (JsonNode o : objects) {
      kubernetes.validate(o).forEach(v -> problems.add(o.path("kind").asText() + " " + o.at("/metadata/name").asText() + ": " + v));
    }
    assertThat(problems).isEmpty();
  }

  private static JsonNode find(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).findFirst().orElseThrow();
  }
}
