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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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

  record Output(int code, String out) {}

  Output run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
      all.addAll(List.of(args));
      int code = Smm.execute(new PrintWriter(new StringWriter(), true), all.toArray(String[]::new));
      return new Output(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void jsonReportsExactlyTheKnownProblemsKeyedAsTheSeed() throws Exception {
    Output r = run("analyze", "-o", "json");
    assertThat(r.code()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    Set<String> ids = new TreeSet<>();
    report.forEach(list -> list.forEach(result -> ids.add(result.get("checkID").asText())));
    assertThat(ids).containsExactly("destinationrule/subset/no-pods", "gateway/reused-cert", "namespace/injection/missing",
        "virtualservice/destination/host-not-found");
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
    Output demo = run("analyze", "--namespace", "smm-demo");
    assertThat(demo.code()).isEqualTo(1);
    assertThat(demo.out()).contains("virtualservice smm-demo/movies:", "    Cluster: smm-sandbox",
        "        Error ID: virtualservice/destination/host-not-found", "        Path: spec.http[0].route[1].destination.host",
        "✗ 1 validation error found (and 1 warning or info)").doesNotContain("gateway");
    Output legacy = run("analyze", "--namespace", "legacy");
    assertThat(legacy.code()).isZero();
    assertThat(legacy.out()).contains("namespace legacy:", "✓ 0 validation errors found (and 1 warning or info)");
  }
}
