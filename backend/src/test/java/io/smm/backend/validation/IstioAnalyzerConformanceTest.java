package io.smm.backend.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.smm.sandbox.testing.Conformance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our checks against Istio's own analyzer test cases ({@code shared/conformance/istio-analyzers}):
 * each case's input files (with the default ingress gateway Istio's harness adds, and its mesh
 * config overlay) are analysed, the findings of the checks that play the case's analyzer are taken
 * as {@code (IST code, resource)} and compared with Istio's expected findings as a multiset, as
 * Istio's test does ({@code ConsistOf}): our checks report once per offending field, as Istio's do.
 * Every core case must pass; an optional case passes or is listed, with why, in
 * {@code validation/istio-analyzers-out-of-scope.txt}.
 */
class IstioAnalyzerConformanceTest {

  private static final Path CORPUS = Conformance.path("istio-analyzers");

  /** Istio analyzer -> the checks of ours that make its findings. */
  private static final Map<String, Set<String>> CHECKS_OF_ANALYZER = Map.ofEntries(
      Map.entry("gateway.IngressGatewayPortAnalyzer", Set.of("gateway/selector/no-pods", "gateway/port/not-exposed")),
      Map.entry("gateway.SecretAnalyzer", Set.of("gateway/selector/no-pods", "gateway/secret/not-found", "gateway/secret/invalid")),
      Map.entry("gateway.ConflictingGatewayAnalyzer", Set.of("gateway/server/conflict")),
      Map.entry("gateway.CertificateAnalyzer", Set.of("gateway/reused-cert")),
      Map.entry("injection.Analyzer", Set.of("namespace/injection/missing", "namespace/injection/enabled-by-default",
          "namespace/injection/multiple-labels", "pod/sidecar/missing")),
      Map.entry("injection.ImageAnalyzer", Set.of("namespace/proxy-image/mismatch")),
      Map.entry("injection.ImageAutoAnalyzer", Set.of("pod/image-auto/not-injected", "deployment/image-auto/not-injected")),
      Map.entry("sidecar.SelectorAnalyzer", Set.of("sidecar/selector/no-pods", "sidecar/selector/conflict",
          "sidecar/namespace/multiple-defaults", "sidecar/ambient/ineffective")),
      Map.entry("virtualservice.ConflictingMeshGatewayHostsAnalyzer", Set.of("virtualservice/host/conflict")),
      Map.entry("virtualservice.DestinationHostAnalyzer", Set.of("virtualservice/destination/host-not-found",
          "virtualservice/destination/port-not-found", "virtualservice/destination/port-required",
          "virtualservice/destination/subset-ignored-at-ingress")),
      Map.entry("virtualservice.DestinationRuleAnalyzer", Set.of("virtualservice/destination/subset-not-found")),
      Map.entry("virtualservice.GatewayAnalyzer", Set.of("virtualservice/gateway/not-found", "virtualservice/gateway/host-not-found",
          "virtualservice/gateway/internal")),
      Map.entry("virtualservice.JWTClaimRouteAnalyzer", Set.of("virtualservice/jwt-claim/no-request-authentication")),
      Map.entry("schema.ValidationAnalyzer.VirtualService", Set.of("virtualservice/route/unreachable", "virtualservice/match/ineffective")),
      Map.entry("destinationrule.CaCertificateAnalyzer", Set.of("destinationrule/tls/no-ca-certificates",
          "destinationrule/port-tls/no-ca-certificates")),
      Map.entry("destinationrule.SubsetSelectPodAnalyzer", Set.of("destinationrule/host/not-found", "destinationrule/subset/no-pods")),
      Map.entry("serviceentry.Analyzer", Set.of("serviceentry/addresses/required")),
      Map.entry("serviceentry.ConflictingServiceEntryProtocolAnalyzer", Set.of("serviceentry/protocol/conflict")),
      Map.entry("auth.AuthorizationPoliciesAnalyzer", Set.of("authorizationpolicy/namespace/not-found",
          "authorizationpolicy/selector/no-workloads")),
      Map.entry("service.PortNameAnalyzer", Set.of("service/port/protocol-naming", "service/external-name/port-name")),
      Map.entry("applicationUID.Analyzer", Set.of("pod/security-context/proxy-uid", "deployment/security-context/proxy-uid")),
      Map.entry("envoyfilter.EnvoyPatchAnalyzer", Set.of("envoyfilter/patch/relative-operation",
          "envoyfilter/patch/relative-operation-proxy-version", "envoyfilter/patch/replace-misused", "envoyfilter/patch/add-ignored",
          "envoyfilter/patch/remove-ignored")),
      Map.entry("telemetry.SelectorAnalyzer", Set.of("telemetry/selector/no-pods", "telemetry/selector/conflict")),
      Map.entry("telemetry.DefaultSelectorAnalyzer", Set.of("telemetry/namespace/multiple-defaults")),
      Map.entry("telemetry.ProviderAnalyzer", Set.of("telemetry/access-logging/no-provider")),
      Map.entry("telemetry.LightstepAnalyzer", Set.of("telemetry/tracing/lightstep")),
      Map.entry("webhook.Analyzer", Set.of("mutatingwebhook/injection/overlap", "mutatingwebhook/injection/service-not-found")),
      Map.entry("meshnetworks.MeshNetworksAnalyzer", Set.of("meshnetworks/registry/unknown")),
      Map.entry("conditions.ConditionAnalyzer", Set.of("status/condition/negative")),
      Map.entry("deployment.MultiServiceAnalyzer", Set.of("deployment/service/protocol-conflict", "deployment/service/target-port-conflict")));

  record Case(String id, String scope, String analyzer, JsonNode json) {
    @Override
    public String toString() {
      return id;
    }
  }

  static List<Case> cases() throws IOException {
    JsonNode root = new ObjectMapper().readTree(CORPUS.resolve("cases.json").toFile());
    List<Case> out = new ArrayList<>();
    root.path("cases").forEach(c -> out.add(new Case(c.path("id").asText(), c.path("scope").asText(), c.path("analyzer").asText(), c)));
    return out;
  }

  static Stream<Case> coreCases() throws IOException {
    return cases().stream().filter(c -> c.scope().equals("core"));
  }

  static Stream<Case> optionalCasesInScope() throws IOException {
    Set<String> out = outOfScope().keySet();
    return cases().stream().filter(c -> c.scope().equals("optional") && !out.contains(c.id()));
  }

  /** case id -> why it is out of scope. */
  static Map<String, String> outOfScope() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (InputStream in = IstioAnalyzerConformanceTest.class.getResourceAsStream("/validation/istio-analyzers-out-of-scope.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.put(line.substring(0, line.indexOf(' ')).trim(), line.substring(line.indexOf(' ')).trim());
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("coreCases")
  void agreesWithIstioOnCoreCase(Case c) throws IOException {
    assertThat(actual(c)).as("%s (%s)", c.id(), c.analyzer()).containsExactlyInAnyOrderElementsOf(expected(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionalCasesInScope")
  void agreesWithIstioOnOptionalCaseInScope(Case c) throws IOException {
    assertThat(actual(c)).as("%s (%s)", c.id(), c.analyzer()).containsExactlyInAnyOrderElementsOf(expected(c));
  }

  @Test
  void everyOptionalCaseOutOfScopeExistsAndSaysWhy() throws IOException {
    Set<String> optional = cases().stream().filter(c -> c.scope().equals("optional")).map(Case::id).collect(Collectors.toSet());
    outOfScope().forEach((id, reason) -> {
      assertThat(optional).as("out-of-scope entries name optional cases").contains(id);
      assertThat(reason).as("reason for %s", id).hasSizeGreaterThan(20);
    });
  }

  @Test
  void ourIstioMessagesAreIstiosCodesNamesAndLevels() throws IOException {
    Map<String, JsonNode> catalogue = new HashMap<>();
    new ObjectMapper().readTree(CORPUS.resolve("messages.json").toFile()).path("messages").forEach(m -> catalogue.put(m.path("code").asText(), m));
    for (IstioMessage m : IstioMessage.values()) {
      JsonNode istio = catalogue.get(m.code());
      assertThat(istio).as("%s in Istio's catalogue", m.code()).isNotNull();
      assertThat(istio.path("name").asText()).as("name of %s", m.code()).isEqualTo(m.messageName());
      assertThat(istio.path("level").asText().toUpperCase(Locale.ROOT)).as("level of %s", m.code()).isEqualTo(m.level().name());
      assertThat(istio.path("retired").asBoolean(false)).as("%s is not retired", m.code()).isFalse();
    }
  }

  @Test
  void everyCoreAnalyzerIsPlayedByOurChecks() throws IOException {
    Set<String> ours = new MeshAnalyzer().checks().stream().map(Check::id).collect(Collectors.toSet());
    coreCases().forEach(c -> assertThat(CHECKS_OF_ANALYZER).as("checks for %s", c.analyzer()).containsKey(c.analyzer()));
    CHECKS_OF_ANALYZER.values().forEach(ids -> assertThat(ours).containsAll(ids));
  }

  private static List<String> expected(Case c) {
    List<String> out = new ArrayList<>();
    c.json().path("expected").forEach(e -> out.add(e.path("code").asText() + " " + e.path("resource").asText()));
    return out;
  }

  private static List<String> actual(Case c) throws IOException {
    JsonNode settings = JsonNodeFactory.instance.objectNode().put("rootNamespace", "istio-system");
    if (c.json().has("meshConfigFile")) {
      settings = MeshSettings.overlay(settings, new YAMLMapper().readTree(CORPUS.resolve(c.json().path("meshConfigFile").asText()).toFile()));
    }
    ResourceFiles files = new ResourceFiles(null, Instant.now());
    for (JsonNode f : c.json().path("inputFiles")) {
      files.read(CORPUS.resolve(f.asText()));
    }
    if (c.json().has("meshNetworksFile")) {
      // In a cluster Istio's MeshNetworks are the meshNetworks key of the istio ConfigMap; the harness's file goes there.
      String networks = Files.readString(CORPUS.resolve(c.json().path("meshNetworksFile").asText()));
      files.read("meshNetworks", new YAMLMapper().writeValueAsString(JsonNodeFactory.instance.objectNode().put("apiVersion", "v1")
          .put("kind", "ConfigMap").<ObjectNode>set("metadata", JsonNodeFactory.instance.objectNode()
              .put("name", "istio").put("namespace", "istio-system"))
          .set("data", JsonNodeFactory.instance.objectNode().put("meshNetworks", networks))));
    }
    if (!settings.path("ingressControllerMode").asText("").equals("OFF")) {
      files.read(CORPUS.resolve("implicit/default-ingress.yaml"));
    }
    // Kinds no check reads (a StatefulSet, a CRD) are only noted, as infos.
    assertThat(files.problems()).as("the inputs of %s are read", c.id()).allMatch(p -> p.severity() == Severity.INFO);
    Set<String> checks = CHECKS_OF_ANALYZER.getOrDefault(c.analyzer(), Set.of());
    return new MeshAnalyzer().analyze(new MeshConfig("conformance", settings, files.objects())).stream()
        .filter(f -> checks.contains(f.checkId()))
        .map(f -> f.istio().code() + " " + f.subject().istioName()).toList();
  }
}
