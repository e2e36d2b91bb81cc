package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.Kubeconfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm support-bundle` against an API server holding an installation with credentials in several places. */
class SupportBundleCommandTest {

  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";

  EmbeddedApiServer api;
  Path kubeconfig;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    api = EmbeddedApiServer.start(0);
    kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, api.url());
    try (KubernetesClient client = api.newClient()) {
      client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.CONTROL_PLANE)).create();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-system").endMetadata().build()).create();
      client.genericKubernetesResources("smm.cisco.com/v1alpha1", "ControlPlane").resource(Serialization.unmarshal("""
          apiVersion: smm.cisco.com/v1alpha1
          kind: ControlPlane
          metadata: {name: smm}
          spec:
            smm:
              auth:
                oidc: {enabled: true, client: {id: smm, issuerURL: "https://dex.example.com", secret: oidc-client-secret-value}}
          """, GenericKubernetesResource.class)).create();
      client.secrets().inNamespace("smm-system").resource(new SecretBuilder().withNewMetadata().withName("smm-authentication")
          .endMetadata().addToStringData("signing-key", "secret-signing-key-value").build()).create();
      client.configMaps().inNamespace("smm-system").resource(new ConfigMapBuilder().withNewMetadata().withName("smm-settings")
          .endMetadata().addToData("settings", "log level: debug\npassword: hunter2-value\nAuthorization: Bearer " + JWT + "\n")
          .build()).create();
      client.pods().inNamespace("smm-system").resource(new PodBuilder().withNewMetadata().withName("smm-7d9c").endMetadata()
          .withNewSpec().addNewContainer().withName("smm").withImage("smm:1").endContainer().endSpec().build()).create();
    }
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void collectsTheInstallationWithoutSecretsOrCredentials(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("bundle.zip");
    CliRun.Output run = CliRun.run(null, "--kubeconfig", kubeconfig.toString(), "support-bundle", "-o", zip.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("Support bundle written to " + zip.toAbsolutePath(), "REDACTED");
    Map<String, String> entries = new TreeMap<>();
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        entries.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries).containsKeys("versions.yaml", "smm/controlplanes.yaml", "istio/virtualservices.yaml", "cluster/nodes.yaml",
        "namespaces/smm-system/pods.yaml", "namespaces/smm-system/events.yaml", "namespaces/smm-system/configmaps.yaml",
        "validation.json", "errors.txt");
    assertThat(entries.get("smm/controlplanes.yaml")).contains("issuerURL: \"https://dex.example.com\"", "secret: \"REDACTED\"");
    assertThat(entries.get("namespaces/smm-system/configmaps.yaml")).contains("log level: debug", "password: REDACTED");
    assertThat(entries.get("namespaces/smm-system/pods.yaml")).contains("name: \"smm-7d9c\"");
    assertThat(entries.get("versions.yaml")).contains("smm:", "kubernetes:");
    // What must never leave the cluster, in any file of the bundle.
    entries.forEach((name, content) -> assertThat(content).as(name)
        .doesNotContain("secret-signing-key-value", "oidc-client-secret-value", "hunter2-value", JWT));
    assertThat(entries.keySet()).noneMatch(name -> name.contains("secrets"));
  }

  @Test
  void redactionKeepsNamesAndReferencesButNotValues() {
    assertThat(Redaction.text("level=info token=abc123def msg=\"Bearer " + JWT + "\"")).doesNotContain("abc123def", JWT)
        .contains("level=info", "token=REDACTED");
    var node = Serialization.jsonMapper().createObjectNode();
    node.put("credentialName", "shop-cert").put("secretName", "tls").put("password", "p4ss").put("clientSecret", "c5").put("tokenPath", "/t");
    Redaction.object(node);
    assertThat(node.toString()).contains("\"credentialName\":\"shop-cert\"", "\"secretName\":\"tls\"", "\"tokenPath\":\"/t\"",
        "\"password\":\"REDACTED\"", "\"clientSecret\":\"REDACTED\"");
  }
}
