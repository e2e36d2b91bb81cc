package io.smm.backend.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `smm analyze -f` reads from files, and how it reports what it cannot use. */
class ResourceFilesTest {

  static final String TWO_DOCUMENTS = """
      # a comment before the first document
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: reviews}
      spec: {hosts: [reviews]}
      --- # a comment after the separator
      apiVersion: v1
      kind: List
      items:
      - {apiVersion: v1, kind: Service, metadata: {name: reviews, namespace: bookinfo}}
      - {apiVersion: v1, kind: Namespace, metadata: {name: bookinfo}}
      """;

  @Test
  void readsDocumentsAndListsAndGivesNamespacelessObjectsTheDefaultNamespace() {
    ResourceFiles files = new ResourceFiles("default", Instant.now()).read("mesh.yaml", TWO_DOCUMENTS);
    assertThat(files.problems()).isEmpty();
    assertThat(files.objects()).extracting(o -> o.kind() + " " + o.namespace() + "/" + o.name() + " @" + o.origin())
        .containsExactly("VirtualService default/reviews @mesh.yaml:1", "Service bookinfo/reviews @mesh.yaml:7",
            "Namespace /bookinfo @mesh.yaml:7");
  }

  @Test
  void everyUnusableDocumentIsAFindingWithItsLineAndTheOthersAreStillRead(@TempDir Path dir) throws Exception {
    String text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: first, namespace: shop}
        ---
        kind: [unclosed
        ---
        just: a map
        ---
        apiVersion: networking.istio.io/v1alpha3
        kind: Bogus
        metadata: {name: x}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report, namespace: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {namespace: shop}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: last, namespace: shop}
        """;
    Path file = dir.resolve("mixed.yaml");
    Files.writeString(file, text);
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, ':', '[', '\n'});

    ResourceFiles files = new ResourceFiles(null, Instant.now()).read(dir);

    assertThat(files.objects()).extracting(KubeObject::name).containsExactly("first", "report", "last");
    List<String> problems = files.problems().stream().map(f -> f.checkId() + " " + f.severity().label() + " " + f.subject().origin()).toList();
    assertThat(problems).containsExactly(
        "input/document/invalid error " + binary + ":1",
        "input/document/invalid error " + file + ":5",
        "input/document/invalid error " + file + ":7",
        "input/kind/unknown warning " + file + ":9",
        "input/kind/unknown info " + file + ":13",
        "input/document/invalid error " + file + ":17");
    assertThat(files.problems().get(1).message()).startsWith("not valid YAML").doesNotContain("\n");
    assertThat(files.problems().get(2).message()).contains("apiVersion and kind are required");
    assertThat(files.problems().get(5).message()).contains("has no metadata.name");
  }

  @Test
  void secretsAreJudgedAsCredentialsAndTheirDataDropped() {
    ResourceFiles files = new ResourceFiles(null, Instant.now()).read("secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata: {name: cert, namespace: istio-system}
        stringData: {tls.crt: not a certificate, tls.key: key}
        """);
    KubeObject secret = files.objects().get(0);
    assertThat(secret.body().has("data")).isFalse();
    assertThat(secret.body().has("stringData")).isFalse();
    assertThat(secret.body().toString()).doesNotContain("not a certificate");
    assertThat(GatewayCredentials.problem(secret)).isEqualTo("the certificate is not PEM");
    assertThat(secret.body().path(GatewayCredentials.KEYS_FIELD)).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .as("the names of the keys stay").containsExactly("tls.crt", "tls.key");
  }
}
