package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.sandbox.kube.OpenApiValidator;
import io.smm.sandbox.testing.Conformance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `smm install --dump-resources` needs no cluster and prints every object that will exist,
 * including what the Istio operator part renders; every one of them is valid for a real
 * Kubernetes 1.25 API server (shared/conformance/kubernetes-openapi-v1.25) or, for custom
 * resources, for the structural schema of its CRD (ours from the same dump, Istio's open ones).
 */
class ManifestDumpTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static OpenApiValidator kubernetes;

  @BeforeAll
  static void schemas() throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(Conformance.path("kubernetes-openapi-v1.25"))) {
      for (Path f : files.filter(f -> f.toString().endsWith("_openapi.json")).toList()) {
        docs.add(new ObjectMapper().readTree(f.toFile()));
      }
    }
    kubernetes = new OpenApiValidator(docs);
  }

  @Test
  void theDefaultInstallDumpsRealIstioAndValidatesAgainstKubernetesSchemas() throws IOException {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    assertValid(objects);
    JsonNode istiod = find(objects, "Deployment", "istiod-cp-v115x");
    JsonNode discovery = istiod.at("/spec/template/spec/containers/0");
    assertThat(discovery.path("image").asText()).isEqualTo("docker.io/istio/pilot:1.15.3");
    assertThat(discovery.path("args").toString()).contains("discovery", "--monitoringAddr=:15014", "--domain", "cluster.local");
    assertThat(discovery.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(find(objects, "ConfigMap", "istio-cp-v115x.istio-system").at("/data/mesh").asText())
        .contains("discoveryAddress: istiod-cp-v115x.istio-system.svc:15012");
    assertThat(find(objects, "ConfigMap", "istio-sidecar-injector-cp-v115x.istio-system").at("/data/config").asText())
        .contains("templates:", "sidecar:", "gateway:");
    JsonNode webhook = find(objects, "MutatingWebhookConfiguration", "istio-sidecar-injector-cp-v115x.istio-system");
    assertThat(webhook.path("webhooks")).extracting(w -> w.path("name").asText())
        .contains("rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io");
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("ValidatingWebhookConfiguration"));
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("EnvoyFilter") && o.at("/metadata/name").asText().startsWith("stats-filter-1.15"));
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("PodDisruptionBudget"));
    JsonNode gateway = find(objects, "Deployment", "smm-ingressgateway");
    assertThat(gateway.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("auto");
    assertThat(gateway.at("/spec/template/metadata/annotations/inject.istio.io~1templates").asText()).isEqualTo("gateway");
  }

  @Test
  void theSeedsControlPlaneExampleDumpsValidObjects() throws IOException {
    JsonNode example;
    try (InputStream in = getClass().getResourceAsStream("/seed-controlplane.yaml")) {
      example = in == null ? null : YAML.readTree(in);
    }
    if (example == null) {
      example = YAML.readTree(Files.readString(Path.of("../api/src/test/resources/seed-controlplane.yaml")));
    }
    assertValid(parse(ManifestDump.yaml("smm", example.path("spec"))));
  }

  private static void assertValid(List<JsonNode> objects) {
    Map<String, JsonNode> crdSchemas = new HashMap<>();
    for (JsonNode o : objects) {
      if ("CustomResourceDefinition".equals(o.path("kind").asText())) {
        for (JsonNode v : o.at("/spec/versions")) {
          crdSchemas.put(o.at("/spec/group").asText() + "/" + v.path("name").asText() + "/" + o.at("/spec/names/kind").asText(),
              v.at("/schema/openAPIV3Schema"));
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (JsonNode o : objects) {
      String id = o.path("kind").asText() + " " + o.at("/metadata/namespace").asText("") + "/" + o.at("/metadata/name").asText();
      List<OpenApiValidator.Violation> violations;
      if (kubernetes.knows(o)) {
        violations = kubernetes.validate(o);
      } else {
        String apiVersion = o.path("apiVersion").asText();
        JsonNode schema = crdSchemas.get(apiVersion + "/" + o.path("kind").asText());
        if (schema == null) {
          problems.add(id + ": no schema for " + apiVersion + " " + o.path("kind").asText());
          continue;
        }
        violations = OpenApiValidator.validateAgainst(o, schema);
      }
      violations.forEach(v -> problems.add(id + ": " + v));
    }
    assertThat(problems).isEmpty();
  }

  private static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
      if (doc != null && doc.isObject()) {
        out.add(doc);
      }
    }
    return out;
  }

  private static JsonNode find(List<JsonNode> objects, String kind, String name) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the dump"));
  }
}
