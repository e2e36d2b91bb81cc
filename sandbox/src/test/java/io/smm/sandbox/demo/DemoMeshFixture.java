package io.smm.sandbox.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.prometheus.ScrapeTargets;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.Exposition;
import io.smm.sandbox.testing.SimulatedMesh;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link SimulatedMesh} per test, with helpers to run demo workloads in it and read their sidecars. */
abstract class DemoMeshFixture {

  SimulatedMesh mesh;
  KubernetesClient client;
  DemoRuntime runtime;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startCluster() {
    mesh = new SimulatedMesh();
    client = mesh.client;
    runtime = mesh.runtime;
  }

  @AfterEach
  void stopCluster() {
    mesh.close();
  }

  void awaitPods(int running) throws InterruptedException {
    Eventually.until(() -> runtime.runningPods() == running, Duration.ofSeconds(20), running + " demo pods run");
  }

  Pod pod(String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().get(0);
  }

  /** Sends {@code n} requests to a pod's HTTP port from outside the mesh; returns the last status. */
  int send(String ns, String app, int n) throws Exception {
    String address = runtime.address(pod(ns, app), 8080).orElseThrow();
    int status = 0;
    for (int i = 0; i < n; i++) {
      status = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
    return status;
  }

  String scrape(String ns, String app) throws Exception {
    String address = runtime.address(pod(ns, app), ScrapeTargets.ENVOY_STATS_PORT).orElseThrow();
    return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/stats/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The sum of istio_requests_total in a pod's sidecar over the series with these labels. */
  double requests(String ns, String app, Map<String, String> labels) throws Exception {
    return Exposition.sum(scrape(ns, app), "istio_requests_total", labels);
  }

  /** Creates Istio resources from YAML and makes the sidecars see them now. */
  void apply(String yaml) {
    for (HasMetadata r : client.load(new ByteArrayInputStream(yaml.getBytes())).items()) {
      client.resource(r).createOr(existing -> existing.update());
    }
    runtime.refreshMeshConfig();
  }

  /** Namespace shop (meshed): frontpage calls catalog over HTTP once per request; catalog has {@code catalogEnv}. */
  void frontpageCallingCatalog(Map<String, String> catalogEnv) throws InterruptedException {
    DemoWorkloads.namespace(client, "shop", true);
    DemoWorkloads.workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    DemoWorkloads.workload(client, "shop", "catalog", catalogEnv);
    awaitPods(2);
  }

  static Map<String, String> env(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
