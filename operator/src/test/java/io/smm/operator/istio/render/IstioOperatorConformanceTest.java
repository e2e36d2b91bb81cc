package io.smm.operator.istio.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.OpenApiValidator;
import io.smm.sandbox.testing.Conformance;
import io.smm.sandbox.testing.ObjectDiff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What we render for an IstioControlPlane / IstioMeshGateway equals what the istio-operator
 * v2.15.12 renders (shared/conformance/istio-operator): every expected object by kind and name,
 * field by field, with the same inputs (the CR and the test context of test-context.yaml). The
 * only tolerated differences are listed, each with its reason, in allowed-differences.txt; an entry
 * that no longer matches anything fails too, so the list cannot go stale.
 */
class IstioOperatorConformanceTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path CORPUS = Conformance.path("istio-operator");
  private static IstioRendering rendering;
  private static List<String[]> allowed;
  private static final List<String> usedRules = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    rendering = new IstioRendering();
    allowed = new ArrayList<>();
    try (InputStream in = IstioOperatorConformanceTest.class.getResourceAsStream("/istio-operator-conformance/allowed-differences.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] parts = line.split("\\s+", 4); // case, object key, path prefix, reason
          assertThat(parts).as("allowed difference needs a reason: %s", line).hasSize(4);
          allowed.add(parts);
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    rendering.close();
  }

  @Test
  void discoveryActive() throws IOException {
    JsonNode context = context().at("/discovery/active/properties");
    MeshContext mesh = new MeshContext(context.path("mesh"), context.path("meshNetworks"),
        YAML.convertValue(context.path("trustedRootCACertificatePEMs"), List.class));
    GenericKubernetesResource icp = cr("components/discovery/icp-test-cr.yaml");
    assertConforms("discovery-active", "components/discovery/icp-expected-resource-dump.yaml", rendering.discovery(icp, mesh));
  }

  @Test
  void discoveryPassive() throws IOException {
    JsonNode context = context().at("/discovery/passive/properties");
    MeshContext mesh = new MeshContext(context.path("mesh"), context.path("meshNetworks"), List.of());
    GenericKubernetesResource icp = cr("components/discovery/icp-passive-test-cr.yaml");
    assertConforms("discovery-passive", "components/discovery/icp-passive-expected-resource-dump.yaml", rendering.discovery(icp, mesh));
  }

  @Test
  void meshGateway() throws IOException {
    JsonNode p = context().at("/istiomeshgateway/properties");
    GenericKubernetesResource icp = cr("components/istiomeshgateway/icp-test-cr.yaml");
    GenericKubernetesResource gateway = cr("components/istiomeshgateway/imgw-test-cr.yaml");
    var properties = new MeshGatewayValues.Properties(p.path("revision").asText(), p.path("enablePrometheusMerge").asBoolean(),
        p.path("injectionChecksum").asText(), p.path("meshConfigChecksum").asText(), IstioRendering.spec(icp),
        p.path("generateExternalService").asBoolean());
    assertThat(properties.injectionTemplate()).isEqualTo(p.path("injectionTemplate").asText());
    assertConforms("istiomeshgateway", "components/istiomeshgateway/imgw-expected-resource-dump.yaml",
        rendering.meshGateway(gateway, properties));
  }

  @Test
  void sidecarInjector() throws IOException {
    GenericKubernetesResource icp = cr("components/sidecarinjector/icp-test-cr.yaml");
    assertThat(SidecarInjectorValues.wanted(IstioRendering.spec(icp))).isTrue();
    assertConforms("sidecarinjector", "components/sidecarinjector/icp-expected-resource-dump.yaml", rendering.sidecarInjector(icp));
  }

  @Test
  void base() throws IOException {
    GenericKubernetesResource icp = cr("components/base/icp-test-cr.yaml");
    assertConforms("base", "components/base/icp-expected-resource-dump.yaml", rendering.base(icp));
  }

  @Test
  void meshExpansion() throws IOException {
    GenericKubernetesResource icp = cr("components/meshexpansion/icp-test-cr.yaml");
    assertThat(MeshExpansionValues.wanted(IstioRendering.spec(icp))).isTrue();
    assertConforms("meshexpansion", "components/meshexpansion/mex-expected-resource-dump.yaml", rendering.meshExpansion(icp));
  }

  @Test
  void resourceSyncRulesActive() throws IOException {
    GenericKubernetesResource icp = cr("components/resourcesyncrule/icp-active-test-cr.yaml");
    assertConforms("resourcesyncrule-active", "components/resourcesyncrule/rsr-expected-active-resource-dump.yaml",
        rendering.resourceSyncRules(icp));
  }

  @Test
  void resourceSyncRulesPassive() throws IOException {
    GenericKubernetesResource icp = cr("components/resourcesyncrule/icp-passive-test-cr.yaml");
    assertConforms("resourcesyncrule-passive", "components/resourcesyncrule/rsr-expected-passive-resource-dump.yaml",
        rendering.resourceSyncRules(icp));
  }

  /** The corpus' CRs are valid for the CRDs we install (the sandbox API server, like kube-apiserver, refuses what they do not declare). */
  @Test
  void ourCrdsAcceptEveryInputOfTheCorpus() throws IOException {
    List<String> problems = new ArrayList<>();
    try (var files = Files.walk(CORPUS.resolve("components"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith("-test-cr.yaml")).sorted().toList()) {
        GenericKubernetesResource cr = cr(CORPUS.relativize(f).toString());
        var kind = cr.getKind().equals(SmmCrds.ISTIO_MESH_GATEWAY.kind()) ? SmmCrds.ISTIO_MESH_GATEWAY
            : SmmCrds.ISTIO_CONTROL_PLANE;
        JsonNode schema = Serialization.jsonMapper().valueToTree(SmmCrds.crd(kind).getSpec().getVersions().get(0)
            .getSchema().getOpenAPIV3Schema()).path("properties").path("spec");
        OpenApiValidator.validateAgainst(IstioRendering.spec(cr), schema)
            .forEach(v -> problems.add(CORPUS.relativize(f) + ": spec." + v));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyAllowedDifferenceIsStillNeeded() throws IOException {
    discoveryActive();
    discoveryPassive();
    meshGateway();
    sidecarInjector();
    base();
    meshExpansion();
    resourceSyncRulesActive();
    resourceSyncRulesPassive();
    List<String> stale = allowed.stream().map(a -> String.join(" ", a[0], a[1], a[2]))
        .filter(rule -> !usedRules.contains(rule)).toList();
    assertThat(stale).as("allowed differences that no longer occur (remove them)").isEmpty();
  }

  private static void assertConforms(String caseName, String expectedDump, List<HasMetadata> ours) throws IOException {
    List<JsonNode> expected = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(CORPUS.resolve(expectedDump).toFile()), JsonNode.class).readAll()) {
      // The Namespace at the top of each dump is the release namespace, which the operator's test harness adds.
      if (doc != null && doc.isObject() && !doc.isEmpty() && !"Namespace".equals(doc.path("kind").asText())) {
        expected.add(comparable(doc));
      }
    }
    Map<String, JsonNode> want = ObjectDiff.index(expected);
    Map<String, JsonNode> got = ObjectDiff.index(ours.stream().map(o -> comparable(Serialization.jsonMapper().valueToTree(o))).toList());
    List<String> problems = new ArrayList<>();
    for (String key : want.keySet()) {
      if (!got.containsKey(key)) {
        problems.add(key + ": missing");
        continue;
      }
      if (!want.get(key).path("apiVersion").equals(got.get(key).path("apiVersion"))) {
        problems.add(key + " apiVersion: expected " + want.get(key).path("apiVersion") + ", got " + got.get(key).path("apiVersion"));
      }
      for (String d : ObjectDiff.diff(want.get(key), got.get(key))) {
        problems.add(key + " " + d);
      }
    }
    got.keySet().stream().filter(k -> !want.containsKey(k)).forEach(k -> problems.add(k + ": extra"));
    List<String> unexplained = problems.stream().filter(p -> !allowedDifference(caseName, p)).toList();
    assertThat(unexplained).as("%s: differences from the istio-operator's render", caseName).isEmpty();
  }

  private static boolean allowedDifference(String caseName, String problem) {
    for (String[] a : allowed) {
      if (a[0].equals(caseName) && problem.startsWith(a[1] + " " + a[2])) {
        String rule = String.join(" ", a[0], a[1], a[2]);
        if (!usedRules.contains(rule)) {
          usedRules.add(rule);
        }
        return true;
      }
    }
    return false;
  }

  /** Status and creationTimestamp dropped; ConfigMap payloads that are YAML or JSON compared parsed. */
  private static JsonNode comparable(JsonNode object) {
    ObjectNode o = object.deepCopy();
    o.remove("status");
    if (o.path("metadata") instanceof ObjectNode m) {
      m.remove("creationTimestamp");
    }
    if ("ConfigMap".equals(o.path("kind").asText()) && o.path("data") instanceof ObjectNode data) {
      Function<String, JsonNode> yaml = s -> {
        try {
          return YAML.readTree(s);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      for (String key : new String[] {"mesh", "meshNetworks", "config", "values"}) {
        if (data.path(key).isTextual()) {
          data.set(key, yaml.apply(data.path(key).asText()));
        }
      }
    }
    return o;
  }

  private static GenericKubernetesResource cr(String relative) throws IOException {
    return Serialization.unmarshal(Files.readString(CORPUS.resolve(relative)), GenericKubernetesResource.class);
  }

  private static JsonNode context() throws IOException {
    return YAML.readTree(CORPUS.resolve("test-context.yaml").toFile());
  }
}
