package io.smm.backend.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.smm.backend.TestCertificates;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.istio.IstioConfigKinds;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.istio.Issue;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.IstioFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ports & Hosts entry points: the Gateway (and cert-manager resources) they become, all or nothing. */
class GatewayEntryPointsTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  GatewayEntryPoints entryPoints;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    IstioFixtures.istioCrds(client);
    for (var kind : List.of(IstioCrds.CERTIFICATE, IstioCrds.ISSUER)) {
      client.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(kind)).create();
    }
    client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.ISTIO_MESH_GATEWAY)).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("istio-system").endMetadata().build()).create();
    client.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion())
        .withKind(SmmCrds.ISTIO_MESH_GATEWAY.kind()).withNewMetadata().withName("demo-gw").withNamespace("istio-system").endMetadata()
        .addToAdditionalProperties("spec", Map.of("type", "ingress", "istioControlPlane", Map.of("name", "cp-v115x", "namespace", "istio-system")))
        .build()).create();
    Map<String, String> labels = Map.of("app", "demo-gw", "gateway-name", "demo-gw", "gateway-type", "ingress");
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("demo-gw-abc").withLabels(labels)
        .endMetadata().build()).create();
    client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata().withName("demo-gw").endMetadata()
        .withNewSpec().withSelector(labels).addNewPort().withName("http2").withPort(80).endPort().addNewPort().withName("https")
        .withPort(443).endPort().endSpec().build()).create();
    // A usable credential: istiod (and so the validation) refuses a Gateway whose Secret has no valid certificate.
    client.secrets().inNamespace("istio-system").resource(new SecretBuilder().withNewMetadata().withName("own-cert").endMetadata()
        .withType("kubernetes.io/tls").addToStringData("tls.crt", TestCertificates.longLived()).addToStringData("tls.key", "placeholder")
        .build()).create();
    entryPoints = new GatewayEntryPoints(client, new IstioConfigService(client, () -> "c1"));
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  List<GenericKubernetesResource> all(IstioCrds.IstioKind kind) {
    return client.genericKubernetesResources(IstioConfigKinds.context(kind)).inNamespace("istio-system").list().getItems();
  }

  JsonNode spec(GenericKubernetesResource r) {
    return Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().get("spec"));
  }

  @Test
  void httpAndHttpsWithAnOwnSecretBecomeGatewaysOnTheMeshGatewaysPods() {
    assertThat(entryPoints.create(new EntryPoint("istio-system", "demo-gw", 80, "http", List.of("demo.example.com"), null, null))
        .gateway().applied()).isTrue();
    EntryPointResult https = entryPoints.create(new EntryPoint("istio-system", "demo-gw", 443, "HTTPS", List.of("demo.example.com"),
        "own-cert", null));
    assertThat(https.gateway().applied()).isTrue();
    assertThat(https.alsoCreated()).isEmpty();
    GenericKubernetesResource gw = all(IstioConfigKinds.require("Gateway")).stream()
        .filter(g -> g.getMetadata().getName().equals("demo-gw-https-443")).findFirst().orElseThrow();
    assertThat(spec(gw).path("selector").toString()).isEqualTo("{\"gateway-name\":\"demo-gw\",\"gateway-type\":\"ingress\"}");
    assertThat(spec(gw).at("/servers/0/tls/credentialName").asText()).isEqualTo("own-cert");
    assertThat(spec(gw).at("/servers/0/port/protocol").asText()).isEqualTo("HTTPS");
  }

  @Test
  void letsEncryptWritesAnIssuerAndAnAnnotatedCertificateAndOverridesOnlyThePendingSecret() {
    EntryPointResult r = entryPoints.create(new EntryPoint("istio-system", "demo-gw", 443, "HTTPS", List.of("app.example.org"), null,
        "ops@example.org"));
    assertThat(r.gateway().applied()).isTrue();
    assertThat(r.gateway().overridden()).extracting(Issue::checkId).containsExactly("gateway/secret/not-found");
    assertThat(r.alsoCreated()).containsExactly("Issuer istio-system/letsencrypt", "Certificate istio-system/demo-gw-https-443");
    GenericKubernetesResource cert = all(IstioCrds.CERTIFICATE).get(0);
    assertThat(spec(cert).path("secretName").asText()).isEqualTo("demo-gw-https-443-tls");
    assertThat(spec(cert).path("dnsNames").toString()).isEqualTo("[\"app.example.org\"]");
    assertThat(cert.getMetadata().getAnnotations().get("acme.smm.cisco.com/gateway-selector"))
        .contains("\"app.kubernetes.io/name\" : \"demo-gw-https-443\"");
    assertThat(spec(all(IstioCrds.ISSUER).get(0)).at("/acme/email").asText()).isEqualTo("ops@example.org");
  }

  @Test
  void whenTheGatewayIsRefusedNothingStays() {
    entryPoints.create(new EntryPoint("istio-system", "demo-gw", 443, "HTTPS", List.of("a.example.org"), "own-cert", null));
    // Same name, now with Let's Encrypt: the Gateway exists, so it is refused before any Issuer or Certificate is written.
    assertThatThrownBy(() -> entryPoints.create(new EntryPoint("istio-system", "demo-gw", 443, "HTTPS", List.of("a.example.org"), null,
        "ops@example.org"))).hasMessageContaining("already exists");
    assertThat(all(IstioCrds.CERTIFICATE)).isEmpty();
    assertThat(all(IstioCrds.ISSUER)).isEmpty();

    EntryPointResult missingSecret = entryPoints.create(new EntryPoint("istio-system", "demo-gw", 8443, "TLS", List.of("b.example.org"),
        "no-such-secret", null));
    assertThat(missingSecret.gateway().applied()).isFalse();
    assertThat(missingSecret.gateway().issues()).extracting(Issue::checkId).contains("gateway/secret/not-found");
    assertThat(all(IstioConfigKinds.require("Gateway"))).hasSize(1);

    assertThatThrownBy(() -> entryPoints.create(new EntryPoint("istio-system", "demo-gw", 443, "HTTPS", List.of("c.example.org"), null,
        null))).hasMessageContaining("needs a TLS secret name or Let's Encrypt");
    assertThatThrownBy(() -> entryPoints.create(new EntryPoint("istio-system", "nope", 80, "HTTP", List.of("*"), null, null)))
        .hasMessageContaining("IstioMeshGateway istio-system/nope not found");
  }
}
