package io.smm.sandbox.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.SimulatedMesh;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the product reads from istiod, as the stand-in serves it through the API server's pod proxy. */
class IstiodStandInTest {

  SimulatedMesh mesh;
  EmbeddedApiServer api;
  KubernetesClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    mesh = new SimulatedMesh();
    api = mesh.api;
    client = mesh.client;
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  JsonNode syncz() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url()
        + "/api/v1/namespaces/istio-system/pods/istiod-1:15014/proxy/debug/syncz")).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("syncz answered " + r.statusCode() + ": " + r.body()); // e.g. before istiod runs
    }
    return Serialization.jsonMapper().readTree(r.body());
  }

  static String status(JsonNode proxy, String type) {
    String sent = proxy.path(type + "_sent").asText("");
    return sent.isEmpty() ? "NOT SENT" : sent.equals(proxy.path(type + "_acked").asText("")) ? "SYNCED" : "STALE";
  }

  JsonNode proxy(JsonNode syncz, String podPrefix) {
    for (JsonNode p : syncz) {
      if (p.path("proxy").asText().startsWith(podPrefix)) {
        return p;
      }
    }
    throw new AssertionError("no proxy " + podPrefix + " in " + syncz);
  }

  @Test
  void synczListsTheRevisionsSidecarsAndARejectedVirtualServiceLeavesTheCallersRoutesStale() throws Exception {
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istiod-1")
        .addToLabels("app", "istiod").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .withNewSpec().addNewContainer().withName("discovery").withImage("docker.io/istio/pilot:1.15.3")
        .addNewPort().withContainerPort(15014).endPort().endContainer().endSpec().build()).create();
    DemoWorkloads.namespace(client, "shop", true);
    DemoWorkloads.workload(client, "shop", "frontpage", Map.of("REQUESTS", "http://catalog:8080/#1"));
    DemoWorkloads.workload(client, "shop", "catalog", Map.of());
    Eventually.until(() -> {
      try {
        return syncz().size() == 2;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(20), "both sidecars are listed");
    JsonNode all = syncz();
    JsonNode frontpage = proxy(all, "frontpage-");
    assertThat(frontpage.path("proxy").asText()).endsWith(".shop");
    assertThat(frontpage.path("istio_version").asText()).isEqualTo("1.15.3");
    assertThat(frontpage.path("cluster_id").asText()).isEqualTo("test-cluster");
    for (String type : List.of("cluster", "listener", "route", "endpoint")) {
      assertThat(status(frontpage, type)).as(type).isEqualTo("SYNCED");
    }

    // A VirtualService the sidecars cannot apply (delegate): the caller NACKs its routes.
    for (HasMetadata r : client.load(new ByteArrayInputStream("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - delegate: {name: catalog-routes, namespace: shop}
        """.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(r).create();
    }
    var frontpagePod = client.pods().inNamespace("shop").withLabel("app", "frontpage").list().getItems().get(0);
    String address = mesh.runtime.address(frontpagePod, 8080).orElseThrow();
    Eventually.until(() -> {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).build(), HttpResponse.BodyHandlers.discarding());
        return status(proxy(syncz(), "frontpage-"), "route").equals("STALE");
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(20), "frontpage's routes are stale");
    assertThat(status(proxy(syncz(), "catalog-"), "route")).as("catalog calls nobody").isEqualTo("SYNCED");
    assertThat(status(proxy(syncz(), "frontpage-"), "cluster")).isEqualTo("SYNCED");

    // Deleting it: the next push is accepted.
    client.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("shop").withName("catalog").delete();
    Eventually.until(() -> {
      try {
        return status(proxy(syncz(), "frontpage-"), "route").equals("SYNCED");
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(20), "frontpage's routes are synced again");
  }

  @Test
  void theRootCertificateIsPublishedInEveryNamespaceAndAPodWithoutTheMonitoringPortIsUnreachable() throws Exception {
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istiod-1")
        .addToLabels("app", "istiod").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .withNewSpec().addNewContainer().withName("discovery").withImage("docker.io/istio/pilot:1.15.3").endContainer().endSpec().build())
        .create();
    Eventually.until(() -> client.namespaces().list().getItems().stream()
        .allMatch(ns -> client.configMaps().inNamespace(ns.getMetadata().getName()).withName("istio-ca-root-cert").get() != null),
        Duration.ofSeconds(20), "the root certificate is published in every namespace");
    String pem = client.configMaps().inNamespace("istio-system").withName("istio-ca-root-cert").get().getData().get("root-cert.pem");
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("O=cluster.local");
    assertThat(cert.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    assertThat(client.configMaps().inNamespace("default").withName("istio-ca-root-cert").get().getData()).containsEntry("root-cert.pem", pem);

    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url()
        + "/api/v1/namespaces/istio-system/pods/istiod-1:9999/proxy/debug/syncz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(503);
    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(api.url()
        + "/api/v1/namespaces/istio-system/pods/nope:15014/proxy/debug/syncz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }
}
