package io.smm.sandbox.demo;

import static io.smm.sandbox.testing.DemoWorkloads.namespace;
import static io.smm.sandbox.testing.DemoWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.prometheus.ScrapeTargets;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.Exposition;
import io.smm.sandbox.testing.SimulatedMesh;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two sandbox clusters on one network, east reading west through a remote secret as istiod does
 * (multi-primary): east's sidecars resolve west's Services and send to west's pods directly, and
 * both sidecars report the call with source_cluster east and destination_cluster west.
 */
class MultiClusterRoutingTest {

  SimulatedMesh east;
  SimulatedMesh west;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    east = new SimulatedMesh(Map.of("version", "1.15.3", "clusterID", "east"));
    west = new SimulatedMesh(Map.of("version", "1.15.3", "clusterID", "west"));
    namespace(east.client, "shop", true);
    namespace(west.client, "shop", true);
  }

  @AfterEach
  void stop() {
    east.close();
    west.close();
  }

  /** What the istio-operator's sync rule leaves in east's istio-system: west's reader kubeconfig, labelled for istiod. */
  void eastReadsWest() {
    String kubeconfig = Kubeconfig.yaml(west.api.url());
    east.client.secrets().inNamespace("istio-system").resource(new SecretBuilder().withNewMetadata().withName("west-cp-v115x")
        .addToLabels("istio/multiCluster", "true").endMetadata()
        .addToData("west", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))).build()).create();
  }

  @Test
  void aServiceOnlyThePeerRunsIsCalledThereAndBothSidesNameBothClusters() throws Exception {
    workload(east.client, "shop", "frontpage", Map.of("REQUESTS", "http://catalog:8080/#1"));
    workload(west.client, "shop", "catalog", Map.of());
    Eventually.until(() -> east.runtime.runningPods() == 1 && west.runtime.runningPods() == 1, Duration.ofSeconds(20), "both pods run");
    assertThat(send(east, "frontpage", 2)).as("without the remote secret east does not know catalog").isEqualTo(200);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"))).isZero();

    eastReadsWest();
    Eventually.until(() -> {
      send(east, "frontpage", 1);
      return requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "response_code", "200")) > 0;
    }, Duration.ofSeconds(20), "east's frontpage reaches west's catalog");
    double before = requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east"));
    double sentBefore = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"));
    send(east, "frontpage", 5);
    assertThat(requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east", "destination_cluster", "west",
        "source_workload", "frontpage-v1", "response_code", "200"))).isEqualTo(before + 5);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "source_cluster", "east", "destination_cluster", "west",
        "destination_workload", "catalog-v1", "destination_service", "catalog.shop.svc.cluster.local"))).isEqualTo(sentBefore + 5);
  }

  @Test
  void aServiceBothClustersRunIsBalancedOverBothAndForgottenWithTheSecret() throws Exception {
    workload(east.client, "shop", "frontpage", Map.of("REQUESTS", "http://catalog:8080/#1"));
    workload(east.client, "shop", "catalog", Map.of());
    workload(west.client, "shop", "catalog", Map.of());
    Eventually.until(() -> east.runtime.runningPods() == 2 && west.runtime.runningPods() == 1, Duration.ofSeconds(20), "the pods run");
    eastReadsWest();
    Eventually.until(() -> {
      send(east, "frontpage", 1);
      return requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west")) > 0;
    }, Duration.ofSeconds(20), "west's endpoint joins catalog's");
    double east0 = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "east"));
    double west0 = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"));
    send(east, "frontpage", 10);
    // Round robin over the two endpoints, one per cluster.
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "east")) - east0).isEqualTo(5);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west")) - west0).isEqualTo(5);

    east.client.secrets().inNamespace("istio-system").withName("west-cp-v115x").delete();
    Eventually.until(() -> {
      double w = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"));
      send(east, "frontpage", 4);
      return requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west")) == w;
    }, Duration.ofSeconds(20), "without the secret only east's catalog is called");
  }

  int send(SimulatedMesh mesh, String app, int n) {
    try {
      return sendChecked(mesh, app, n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  double requests(SimulatedMesh mesh, String app, Map<String, String> labels) {
    try {
      return requestsChecked(mesh, app, labels);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private int sendChecked(SimulatedMesh mesh, String app, int n) throws Exception {
    String address = mesh.runtime.address(mesh.client.pods().inNamespace("shop").withLabel("app", app).list().getItems().get(0), 8080)
        .orElseThrow();
    int status = 0;
    for (int i = 0; i < n; i++) {
      status = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
    return status;
  }

  private double requestsChecked(SimulatedMesh mesh, String app, Map<String, String> labels) throws Exception {
    var pod = mesh.client.pods().inNamespace("shop").withLabel("app", app).list().getItems().get(0);
    String address = mesh.runtime.address(pod, ScrapeTargets.ENVOY_STATS_PORT).orElseThrow();
    return Exposition.sum(http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/stats/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString()).body(), "istio_requests_total", labels);
  }
}
