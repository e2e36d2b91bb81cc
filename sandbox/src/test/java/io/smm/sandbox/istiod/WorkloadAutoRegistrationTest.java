package io.smm.sandbox.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * istiod's auto-registration as a VM's proxy meets it: a WorkloadEntry for an authenticated member
 * of a WorkloadGroup, its Healthy condition from the proxy's reports, gone when the proxy
 * disconnects; refusals for a foreign token, an unknown group and an address already connected;
 * and a deleted group ends the connection with a reason.
 */
class WorkloadAutoRegistrationTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  WorkloadAutoRegistration istiod;
  final MeshCa ca = MeshCa.create("cluster.local");
  String token;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.startWithRbac(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    IstioCrds.ALL.forEach(k -> client.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(k)).create());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
    client.genericKubernetesResources("networking.istio.io/v1alpha3", "WorkloadGroup").inNamespace("smm-demo").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1alpha3").withKind("WorkloadGroup")
            .withNewMetadata().withName("analytics-v0").endMetadata()
            .addToAdditionalProperties("spec", Map.of("metadata", Map.of("labels", Map.of("app", "analytics", "version", "v0")),
                "template", Map.of("network", "vm-network-1", "ports", Map.of("http", 8080), "serviceAccount", "default")))
            .build()).create();
    var secret = client.secrets().inNamespace("smm-demo").resource(new SecretBuilder().withNewMetadata().withName("vm-token")
        .addToAnnotations("kubernetes.io/service-account.name", "default").endMetadata().withType("kubernetes.io/service-account-token")
        .build()).create();
    token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    istiod = new WorkloadAutoRegistration(client, () -> "istiod-cp-v115x-abc12-xyz34", ca);
  }

  @AfterEach
  void stop() {
    istiod.close();
    client.close();
    api.close();
  }

  /** A proxy's connection: the hello it sent and what istiod answered. */
  record Proxy(Socket socket, BufferedReader in, JsonNode answer) implements AutoCloseable {
    void health(boolean healthy, String message) throws IOException {
      socket.getOutputStream().write((Serialization.asJson(Map.of("healthy", healthy, "message", message)) + "\n")
          .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  Proxy connect(String token, String group, String ip) throws IOException {
    return connect(token, group, ip, null);
  }

  Proxy connect(String token, String group, String ip, String csr) throws IOException {
    Socket s = new Socket(istiod.address().getAddress(), istiod.address().getPort());
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("token", token);
    hello.put("metadata", Map.of("POD_NAMESPACE", "smm-demo", "ISTIO_META_AUTO_REGISTER_GROUP", group, "ISTIO_META_NETWORK", "vm-network-1",
        "ISTIO_METAJSON_LABELS", "{\"app\":\"analytics\",\"service.istio.io/canonical-name\":\"analytics\"}"));
    hello.put("ip", ip);
    hello.put("hostname", "analytics-vm-1");
    hello.put("revision", "cp-v115x.istio-system");
    if (csr != null) {
      hello.put("csr", csr);
    }
    s.getOutputStream().write((Serialization.asJson(hello) + "\n").getBytes(StandardCharsets.UTF_8));
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    return new Proxy(s, in, Serialization.jsonMapper().readTree(in.readLine()));
  }

  GenericKubernetesResource entry(String name) {
    return client.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadEntry").inNamespace("smm-demo").withName(name).get();
  }

  static String healthy(GenericKubernetesResource e) {
    JsonNode status = Serialization.jsonMapper().valueToTree(e.getAdditionalProperties().getOrDefault("status", Map.of()));
    return status.at("/conditions/0/status").asText("none");
  }

  @Test
  void aMemberIsRegisteredAsTheSeedShowsKeptHealthyOrNotAndRemovedWhenItDisconnects() throws Exception {
    String name = "analytics-v0-10.20.0.5-vm-network-1";
    MeshCa.SigningRequest csr = MeshCa.signingRequest();
    try (Proxy proxy = connect(token, "analytics-v0", "10.20.0.5", csr.pem())) {
      assertThat(proxy.answer().path("workloadEntry").asText()).as(proxy.answer().toString()).isEqualTo("smm-demo/" + name);
      // istiod's CA certified the proxy's key as the workload its token authenticated, under the mesh's root.
      X509Certificate certificate = MeshCa.certificate(proxy.answer().path("certificateChain").asText());
      assertThat(certificate.getPublicKey()).isEqualTo(csr.keys().getPublic());
      certificate.verify(ca.root().getPublicKey());
      assertThat(certificate.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
          .containsExactly("spiffe://cluster.local/ns/smm-demo/sa/default");
      assertThat(proxy.answer().path("rootCert").asText()).isEqualTo(ca.rootPem());
      GenericKubernetesResource e = entry(name);
      assertThat(e.getMetadata().getAnnotations()).containsEntry("istio.io/autoRegistrationGroup", "analytics-v0")
          .containsEntry("istio.io/workloadController", "istiod-cp-v115x-abc12-xyz34").containsKey("istio.io/connectedAt");
      assertThat(e.getMetadata().getLabels()).containsEntry("app", "analytics").containsEntry("version", "v0")
          .containsEntry("hostname", "analytics-vm-1").containsEntry("istio.io/rev", "cp-v115x.istio-system")
          .containsEntry("topology.istio.io/network", "vm-network-1");
      assertThat(e.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getKind() + "/" + o.getName() + "/" + o.getController()).isEqualTo("WorkloadGroup/analytics-v0/true"));
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) e.getAdditionalProperties().get("spec");
      assertThat(spec).containsEntry("address", "10.20.0.5").containsEntry("network", "vm-network-1").containsEntry("serviceAccount", "default")
          .containsEntry("ports", Map.of("http", 8080));

      proxy.health(true, "");
      Eventually.until(() -> healthy(entry(name)).equals("True"), Duration.ofSeconds(10), "Healthy True");
      proxy.health(false, "HTTP probe failed with statuscode: 503");
      Eventually.until(() -> healthy(entry(name)).equals("False"), Duration.ofSeconds(10), "Healthy False");
      JsonNode condition = Serialization.jsonMapper().valueToTree(entry(name).getAdditionalProperties().get("status")).at("/conditions/0");
      assertThat(condition.path("message").asText()).isEqualTo("HTTP probe failed with statuscode: 503");
      assertThat(condition.path("lastTransitionTime").asText()).isNotEmpty();

      // One address is one VM: another proxy claiming it is refused, the first keeps its entry.
      try (Proxy twin = connect(token, "analytics-v0", "10.20.0.5")) {
        assertThat(twin.answer().path("error").asText()).contains("address 10.20.0.5 is already registered")
            .contains("two VMs cannot share an address");
      }
      assertThat(entry(name)).isNotNull();
    }
    Eventually.until(() -> entry(name) == null, Duration.ofSeconds(10), "the entry is removed when its proxy disconnects");
  }

  @Test
  void foreignTokensUnknownGroupsAndDeletedGroupsAreRefusedWithTheReason() throws Exception {
    try (Proxy stranger = connect("not-a-token", "analytics-v0", "10.20.0.6")) {
      assertThat(stranger.answer().path("error").asText()).contains("authentication failed");
    }
    try (Proxy forged = connect(token, "analytics-v0", "10.20.0.6", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")) {
      assertThat(forged.answer().path("error").asText()).contains("certificate signing request");
    }
    try (Proxy lost = connect(token, "analytics-v9", "10.20.0.6")) {
      assertThat(lost.answer().path("error").asText()).isEqualTo("cannot find WorkloadGroup smm-demo/analytics-v9");
    }
    assertThat(client.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadEntry").inNamespace("smm-demo").list().getItems())
        .isEmpty();

    String name = "analytics-v0-10.20.0.7-vm-network-1";
    try (Proxy proxy = connect(token, "analytics-v0", "10.20.0.7")) {
      assertThat(entry(name)).isNotNull();
      client.genericKubernetesResources("networking.istio.io/v1alpha3", "WorkloadGroup").inNamespace("smm-demo").withName("analytics-v0")
          .delete();
      proxy.health(true, "");
      JsonNode ended = Serialization.jsonMapper().readTree(proxy.in().readLine());
      assertThat(ended.path("error").asText()).isEqualTo("WorkloadGroup smm-demo/analytics-v0 was deleted: this VM is no longer in the mesh");
      assertThat(proxy.in().readLine()).as("istiod closed the connection").isNull();
    }
    Eventually.until(() -> entry(name) == null, Duration.ofSeconds(10), "the deleted group's entry goes");
  }
}
