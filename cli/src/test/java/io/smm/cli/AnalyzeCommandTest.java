package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.Kubeconfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm analyze` against an API server holding a fixture mesh with known problems. */
class AnalyzeCommandTest {

  EmbeddedApiServer api;
  Path kubeconfig;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    api = EmbeddedApiServer.start(0);
    kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, api.url());
    try (KubernetesClient client = api.newClient()) {
      for (IstioCrds.IstioKind k : IstioCrds.ALL) {
        client.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(k)).create();
      }
      client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.ISTIO_CONTROL_PLANE)).create();
      List<HasMetadata> items = client.load(getClass().getResourceAsStream("/analyze/mesh.yaml")).items();
      client.resourceList(new ArrayList<>(items)).create();
    }
  }

  @AfterEach
  void stop() {
    api.close();
  }

  CliRun.Output run(String... args) {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
    all.addAll(List.of(args));
    return CliRun.run(null, all.toArray(String[]::new));
  }

  @Test
  void jsonReportsExactlyTheKnownProblemsKeyedAsTheSeed() throws Exception {
    CliRun.Output r = run("analyze", "-o", "json");
    assertThat(r.code()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    Set<String> ids = new TreeSet<>();
    report.forEach(list -> list.forEach(result -> ids.add(result.get("checkID").asText())));
    // The route to the missing host "movie" is also a subset that no DestinationRule of "movie" defines: Istio reports both.
    assertThat(ids).containsExactly("destinationrule/subset/no-pods", "gateway/reused-cert", "namespace/injection/missing",
        "virtualservice/destination/host-not-found", "virtualservice/destination/subset-not-found");
    JsonNode gateway = report.get("gateway.networking.istio.io:smm-sandbox:istio-system:demo-gw-demo1").get(0);
    assertThat(gateway.get("subjectContextKey").asText()).isEqualTo("gateway.networking.istio.io:smm-sandbox:istio-system:demo-gw-demo1");
    assertThat(gateway.get("istioRevision").asText()).isEqualTo("cp-v115x.istio-system");
    assertThat(gateway.get("passed").asBoolean()).isFalse();
    assertThat(gateway.get("errorMessage").asText()).isEqualTo("multiple gateways configured with same TLS certificate");
    assertThat(gateway.at("/error/context/reusedCertificateSecret").asText())
        .isEqualTo("secret:smm-sandbox:istio-system:example-wildcard-cert");
  }

  @Test
  void textAndNamespaceFilter() {
    CliRun.Output demo = run("analyze", "--namespace", "smm-demo");
    assertThat(demo.code()).isEqualTo(1);
    assertThat(demo.out()).contains("virtualservice smm-demo/movies:", "    Cluster: smm-sandbox",
        "        Error ID: virtualservice/destination/host-not-found", "        Path: spec.http[0].route[1].destination.host",
        "        Istio Code: IST0101 (ReferencedResourceNotFound)",
        "✗ 2 validation errors found (and 1 warning or info)").doesNotContain("gateway");
    CliRun.Output legacy = run("analyze", "--namespace", "legacy");
    assertThat(legacy.code()).isZero();
    assertThat(legacy.out()).contains("namespace legacy:", "✓ 0 validation errors found (and 1 warning or info)");
  }

  /** Runs with a kubeconfig that does not exist: an offline analysis must not need one. */
  CliRun.Output runOffline(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.resolveSibling("no-such-kubeconfig").toString()));
    all.addAll(List.of(args));
    return CliRun.run(stdin, all.toArray(String[]::new));
  }

  static final String GATEWAY_AND_ROUTE = """
      apiVersion: v1
      kind: Pod
      metadata: {name: ingress-1, namespace: istio-system, labels: {istio: ingressgateway}}
      spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.15.3}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: istio-ingressgateway, namespace: istio-system}
      spec: {selector: {istio: ingressgateway}, ports: [{name: http2, port: 80, targetPort: 8080}]}
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: Gateway
      metadata: {name: shop, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["shop.example.com"]}]
      """;

  static final String ROUTE = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: shop, namespace: shop}
      spec:
        hosts: ["shop.example.com"]
        gateways: [shop]
        http: [{route: [{destination: {host: cart}}]}]
      """;

  @Test
  void offlineAnalysisReadsDirectoriesAndReportsBrokenDocumentsWithFileAndLine(@TempDir Path repo) throws Exception {
    Files.createDirectories(repo.resolve("shop/routes"));
    Files.writeString(repo.resolve("gateway.yaml"), GATEWAY_AND_ROUTE);
    Files.writeString(repo.resolve("shop/routes/vs.yml"), "# the shop's route\n---\n" + ROUTE);
    Files.writeString(repo.resolve("shop/broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: shop}\n---\n"
        + "kind: [unclosed\n");
    Files.writeString(repo.resolve("shop/README.md"), "not a manifest: not read");
    Files.writeString(repo.resolve("shop/cron.yaml"), "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report, namespace: shop}\n");

    CliRun.Output r = runOffline(null, "analyze", "--use-kube=false", "-f", repo.toString(), "-o", "json");

    assertThat(r.code()).as(r.out()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    JsonNode route = report.get("virtualservice.networking.istio.io:local:shop:shop").get(0);
    assertThat(route.get("checkID").asText()).isEqualTo("virtualservice/destination/host-not-found");
    assertThat(route.get("istioCode").asText()).isEqualTo("IST0101");
    assertThat(route.get("istioMessage").asText()).isEqualTo("ReferencedResourceNotFound");
    assertThat(route.get("origin").asText()).isEqualTo(repo.resolve("shop/routes/vs.yml") + ":3");
    JsonNode broken = report.get("file:local::" + repo.resolve("shop/broken.yaml")).get(0);
    assertThat(broken.get("checkID").asText()).isEqualTo("input/document/invalid");
    assertThat(broken.get("origin").asText()).isEqualTo(repo.resolve("shop/broken.yaml") + ":5");
    assertThat(broken.get("errorMessage").asText()).startsWith("not valid YAML");
    JsonNode cron = report.get("file:local::" + repo.resolve("shop/cron.yaml")).get(0);
    assertThat(cron.get("checkID").asText()).isEqualTo("input/kind/unknown");
    assertThat(cron.at("/error/severity").asText()).as("a kind no check reads is noted, not failed").isEqualTo("info");
    assertThat(report.toString()).doesNotContain("README.md");
    // The gateway file is analysed with the rest: its port and host are served, so it has no finding.
    assertThat(report.has("gateway.networking.istio.io:local:shop:shop")).isFalse();
  }

  @Test
  void stdinAndThresholdsDecideWhatIsShownAndTheExitCode() {
    String onlyWarning = GATEWAY_AND_ROUTE.replace("hosts: [\"shop.example.com\"]", "hosts: [\"other.example.com\"]") + "---\n"
        + ROUTE.replace("host: cart", "host: istio-ingressgateway.istio-system.svc.cluster.local");
    CliRun.Output text = runOffline(onlyWarning, "analyze", "--use-kube=false", "-f", "-");
    assertThat(text.code()).as(text.out()).isZero();
    assertThat(text.out()).contains("Error ID: virtualservice/gateway/host-not-found",
        "Istio Code: IST0132 (VirtualServiceHostNotFoundInGateway)", "Origin: <stdin>:", "✓ 0 validation errors found");

    assertThat(runOffline(onlyWarning, "analyze", "--use-kube=false", "-f", "-", "--failure-threshold", "warning").code()).isEqualTo(1);
    CliRun.Output errorsOnly = runOffline(onlyWarning, "analyze", "--use-kube=false", "-f", "-", "--output-threshold", "error");
    assertThat(errorsOnly.out()).doesNotContain("host-not-found").contains("✓ 0 validation errors found");
    assertThat(runOffline(onlyWarning, "analyze", "--use-kube=false", "-f", "-", "--failure-threshold", "fatal").code()).isEqualTo(2);
    // Usage errors are not findings: exit code 2, as for other bad arguments.
    assertThat(runOffline(null, "analyze", "--use-kube=false").code()).as("no files to analyse").isEqualTo(2);
    assertThat(runOffline(null, "analyze", "--use-kube=false", "-f", "no/such/dir").code()).isEqualTo(2);
  }

  @Test
  void filesAreMergedOverTheClusterAndWinOverItsObjects(@TempDir Path dir) throws Exception {
    CliRun.Output before = run("analyze", "--namespace", "smm-demo", "-o", "json");
    assertThat(before.out()).contains("virtualservice/destination/host-not-found");
    // The fix, as a pull request would carry it: movies' route without the destination that does not exist.
    Files.writeString(dir.resolve("movies.yaml"), """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: movies, namespace: smm-demo}
        spec:
          hosts: [movies]
          http: [{route: [{destination: {host: movies}}]}]
        """);
    CliRun.Output after = run("analyze", "--namespace", "smm-demo", "-f", dir.resolve("movies.yaml").toString(), "-o", "json");
    assertThat(after.out()).doesNotContain("virtualservice/destination/host-not-found");
    // The host is the cluster's Service, which the file does not carry.
    assertThat(after.out()).doesNotContain("\"movies\" not found");
  }

  @Test
  void helpListsTheChecksWithTheirIstioCodes() {
    CliRun.Output help = CliRun.run(null, "analyze", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--use-kube", "--failure-threshold",
        "  gateway/reused-cert\n      error, IST0138 GatewayDuplicateCertificate",
        "  virtualservice/destination/host-not-found\n      error, IST0101 ReferencedResourceNotFound",
        "  destinationrule/mtls/strict-conflict\n      error\n");
  }

  @Test
  void analysesIstiosWholeAnalyzerCorpusWithoutACluster() throws Exception {
    Path corpus = io.smm.sandbox.testing.Conformance.path("istio-analyzers/testdata");
    CliRun.Output r = runOffline(null, "analyze", "--use-kube=false", "-f", corpus.toString(), "-o", "json");
    assertThat(r.code()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    Set<String> codes = new TreeSet<>();
    Set<String> unreadable = new TreeSet<>();
    report.forEach(list -> list.forEach(f -> {
      if (f.has("istioCode")) {
        codes.add(f.get("istioCode").asText());
      }
      if (f.get("checkID").asText().equals("input/document/invalid")) {
        unreadable.add(corpus.relativize(Path.of(f.get("origin").asText().replaceFirst(":\\d+$", ""))).toString());
      }
    }));
    // Of the 109 files only the MeshConfig and MeshNetworks overlays (istioctl's --meshConfigFile input) are not
    // Kubernetes objects, and they say so; every other document is read and most of Istio's codes show up.
    assertThat(unreadable).containsExactly("common/meshconfig.yaml", "common/meshnetworks.yaml",
        "serviceentry-address-allocated-mesh-cfg.yaml", "serviceentry-missing-addresses-protocol-mesh-cfg.yaml",
        "telemetry-lightstep-meshconfig.yaml");
    assertThat(codes).contains("IST0101", "IST0109", "IST0130", "IST0132", "IST0138", "IST0145", "IST0161", "IST0173", "IST0177")
        .hasSizeGreaterThan(30);
  }
}
