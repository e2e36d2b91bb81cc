package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.operator.controllers.StandaloneControllers;
import io.smm.sandbox.certmanager.AcmeSolverRuntime;
import io.smm.sandbox.certmanager.CertManagerStandIn;
import io.smm.sandbox.gateway.IngressGatewayRuntime;
import io.smm.sandbox.gateway.PlainHttp;
import io.smm.sandbox.testing.InProcessCluster;
import io.smm.sandbox.testing.Pebble;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Let's Encrypt for the exposed dashboard, issued for real: the ControlPlane's letsEncrypt settings
 * (pointed at Pebble, Let's Encrypt's test server) become an ACME Issuer and a Certificate; the
 * cert-manager stand-in orders the certificate from Pebble and answers the HTTP-01 challenge with a
 * solver, which the product's Let's Encrypt part routes through the exposed gateway's port 80;
 * Pebble validates it there, issues, and the gateway's HTTPS port then serves the issued certificate
 * for the dashboard's host name.
 */
class LetsEncryptTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String HOST = "smm.example.org";

  InProcessCluster cluster;
  Pebble pebble;
  CertManagerStandIn certManager;
  StandaloneControllers controllers;

  @AfterEach
  void stop() {
    if (controllers != null) {
      controllers.close();
    }
    if (certManager != null) {
      certManager.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void theDashboardsCertificateIsIssuedByAnAcmeServerThroughTheGatewayAndServedByIt(@TempDir Path dir) throws Exception {
    int http = Pebble.freePort();
    int https = Pebble.freePort();
    pebble = Pebble.start(dir, http);
    AtomicReference<IngressGatewayRuntime> gateway = new AtomicReference<>();
    cluster = InProcessCluster.withKubelet(client -> {
      gateway.set(new IngressGatewayRuntime(client, Map.of(80, http, 443, https)));
      return List.of(new AcmeSolverRuntime(), gateway.get());
    });
    gateway.get().upstreams(cluster.node()::address);
    KubernetesClient client = cluster.client;
    // Names resolve to this machine, as pebble-challtestsrv's DNS tells Pebble.
    certManager = new CertManagerStandIn(client, List.of(pebble.listenerCa()), domain -> URI.create("http://127.0.0.1:" + http));
    certManager.start();

    ReconcileReport report = new Installer(client).install("smm", YAML.readTree("""
        clusterName: primary
        smm:
          exposeDashboard:
            meshGateway:
              enabled: true
              tls:
                enabled: true
                letsEncrypt:
                  enabled: true
                  dnsNames: [%s]
                  email: admin@example.org
                  server: %s
        """.formatted(HOST, pebble.directory())), ReconcileProgress.SILENT, Duration.ofSeconds(60));
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    // As `smm sandbox up` runs them after the install (they watch the kinds it installs): the Let's Encrypt part among them.
    controllers = new StandaloneControllers(client);
    controllers.start();

    var secrets = client.secrets().inNamespace("smm-system").withName("smm-dashboard-tls");
    var certificates = client.genericKubernetesResources("cert-manager.io/v1", "Certificate").inNamespace("smm-system");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    // The issuer writes the secret, then the Certificate's Ready condition: wait for both.
    while ((secrets.get() == null || !String.valueOf(certificates.withName("smm-dashboard").get().getAdditionalProperties().get("status"))
        .contains("type=Ready, status=True")) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    GenericKubernetesResource certificate = certificates.withName("smm-dashboard").get();
    assertThat(secrets.get()).as("the issued secret; the Certificate says %s", certificate.getAdditionalProperties().get("status"))
        .isNotNull();
    assertThat(String.valueOf(certificate.getAdditionalProperties().get("status"))).contains("type=Ready, status=True");

    // A TLS handshake on the gateway's 443 for the dashboard's name: the issued certificate, chaining to Pebble's root.
    X509Certificate served;
    try (SSLSocket socket = (SSLSocket) Pebble.trusting(pebble.root()).getSocketFactory().createSocket("127.0.0.1", https)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(HOST)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
    assertThat(served.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList()).contains(HOST);

    // The dashboard is HTTPS-only once exposed with TLS: port 80 answers nothing but challenges.
    assertThat(PlainHttp.get(URI.create("http://127.0.0.1:" + http), HOST, "/").status()).isEqualTo(404);

    // An HTTPS-only entry point (as the Gateways page creates one: no server on port 80) gets its
    // certificate too: the challenge is taken on port 80 by a Gateway made for it, which goes with
    // the solver once the certificate is issued (the seed's port-80 row that disappears).
    String app = "app.example.org";
    client.genericKubernetesResources("networking.istio.io/v1beta1", "Gateway").inNamespace("smm-system").resource(
        gatewayResource("app-https-443", Map.of("app.kubernetes.io/name", "app-https-443"), List.of(Map.of(
            "port", Map.of("number", 443, "name", "https-443", "protocol", "HTTPS"), "hosts", List.of(app),
            "tls", Map.of("mode", "SIMPLE", "credentialName", "app-https-443-tls"))))).create();
    client.genericKubernetesResources("cert-manager.io/v1", "Certificate").inNamespace("smm-system").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("cert-manager.io/v1").withKind("Certificate")
            .withNewMetadata().withName("app-https-443").withNamespace("smm-system")
            .addToAnnotations("acme.smm.cisco.com/gateway-selector", "{\"app.kubernetes.io/name\": \"app-https-443\"}").endMetadata()
            .addToAdditionalProperties("spec", Map.of("dnsNames", List.of(app), "secretName", "app-https-443-tls",
                "issuerRef", Map.of("name", "smm-dashboard-issuer", "kind", "Issuer", "group", "cert-manager.io")))
            .build()).create();
    var appSecret = client.secrets().inNamespace("smm-system").withName("app-https-443-tls");
    deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (appSecret.get() == null && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(appSecret.get()).as("the HTTPS-only entry point's certificate; the Certificate says %s", client.genericKubernetesResources(
        "cert-manager.io/v1", "Certificate").inNamespace("smm-system").withName("app-https-443").get().getAdditionalProperties()
        .get("status")).isNotNull();
    deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (challengeObjects(client) > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(challengeObjects(client)).as("the challenge's Gateway and VirtualService are gone with the solver").isZero();
  }

  static GenericKubernetesResource gatewayResource(String name, Map<String, String> labels, List<Map<String, Object>> servers) {
    return new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1")
        .withKind("Gateway").withNewMetadata().withName(name).withNamespace("smm-system").withLabels(labels).endMetadata()
        .addToAdditionalProperties("spec", Map.of("selector", Map.of("gateway-name", "smm-ingressgateway-external",
            "gateway-type", "ingress"), "servers", servers)).build();
  }

  /** The Gateways and VirtualServices the Let's Encrypt part made for challenges (named after their solver). */
  static long challengeObjects(KubernetesClient client) {
    return Stream.of("Gateway", "VirtualService").flatMap(kind -> client.genericKubernetesResources(
        "networking.istio.io/v1beta1", kind).inNamespace("smm-system").list().getItems().stream())
        .filter(r -> r.getMetadata().getName().startsWith("cm-acme-http-solver-")).count();
  }
}
