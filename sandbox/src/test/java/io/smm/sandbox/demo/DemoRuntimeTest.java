package io.smm.sandbox.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kubelet.SandboxKubelet;
import io.smm.sandbox.prometheus.ScrapeTargets;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.IstioFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Demo pods run in-process; injected ones report Istio metrics from both sides of each call. */
class DemoRuntimeTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  DemoRuntime runtime;
  SandboxKubelet kubelet;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    IstioFixtures.controlPlane(client, Map.of("version", "1.15.3"));
    runtime = new DemoRuntime(client, "test-cluster");
    kubelet = new SandboxKubelet(client, "node-1", List.of(runtime));
    kubelet.start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    runtime.close();
    client.close();
    api.close();
  }

  void service(String ns, String app, String calls) {
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(app).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", app).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", app).addToLabels("version", "v1").endMetadata()
        .withNewSpec().withServiceAccountName(app).addNewContainer().withName(app).withImage("ghcr.io/smm/smm-demo:1.0.0")
        .addNewEnv().withName("CALLS").withValue(calls).endEnv().endContainer().endSpec().endTemplate().endSpec().build()).create();
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(app).endMetadata()
        .withNewSpec().withSelector(Map.of("app", app)).addNewPort().withPort(8080).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
  }

  Pod pod(String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().get(0);
  }

  /** Namespace shop, labelled for cp-v115x, with frontpage calling catalog; returns once both run. */
  void meshedFrontpageCallingCatalog() throws InterruptedException {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
    service("shop", "frontpage", "catalog");
    service("shop", "catalog", "");
    Eventually.until(() -> runtime.runningPods() == 2, Duration.ofSeconds(20), "both pods run");
  }

  String get(String hostPort, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void injectedPodsReportBothSidesOfACallWithIstiosLabels() throws Exception {
    meshedFrontpageCallingCatalog();
    Pod frontpage = pod("shop", "frontpage");
    Pod catalog = pod("shop", "catalog");
    assertThat(frontpage.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("frontpage", "istio-proxy");
    assertThat(frontpage.getMetadata().getLabels()).containsEntry("istio.io/rev", "cp-v115x.istio-system")
        .containsEntry("security.istio.io/tlsMode", "istio");

    for (int i = 0; i < 3; i++) {
      get(runtime.address(frontpage, 8080).orElseThrow(), "/");
    }
    String source = get(runtime.address(frontpage, ScrapeTargets.ENVOY_STATS_PORT).orElseThrow(), "/stats/prometheus");
    String destination = get(runtime.address(catalog, ScrapeTargets.ENVOY_STATS_PORT).orElseThrow(), "/stats/prometheus");
    String edge = "destination_service=\"catalog.shop.svc.cluster.local\"";
    assertThat(source).containsPattern("istio_requests_total\\{[^}]*reporter=\"source\"[^}]*\\} 3\\.0")
        .contains("source_workload=\"frontpage\"").contains("destination_workload=\"catalog\"").contains(edge)
        .contains("connection_security_policy=\"mutual_tls\"").contains("response_code=\"200\"")
        .contains("source_principal=\"spiffe://cluster.local/ns/shop/sa/frontpage\"")
        .contains("istio_request_duration_milliseconds_bucket{").contains("le=\"0.5\"");
    assertThat(destination).containsPattern("istio_requests_total\\{[^}]*reporter=\"destination\"[^}]*\\} 3\\.0")
        .contains("source_workload=\"frontpage\"").contains(edge);
    // frontpage was called from outside the mesh: its inbound series has an unknown source.
    assertThat(source).containsPattern("istio_requests_total\\{[^}]*reporter=\"destination\"[^}]*source_workload=\"unknown\"[^}]*\\} 3\\.0");
  }

  @Test
  void sidecarsStreamAccessLogsToTheAlsReceiverTheMeshConfigNames() throws Exception {
    String als = "smm-als.smm-system.svc.cluster.local:50600";
    client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
        .withName("cp-v115x").edit(icp -> {
          icp.getAdditionalProperties().put("spec", Map.of("version", "1.15.3", "meshConfig", Map.of(
              "enableEnvoyAccessLogService", true,
              "defaultConfig", Map.of("envoyAccessLogService", Map.of("address", als)))));
          return icp;
        });
    java.util.concurrent.BlockingQueue<io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    io.grpc.Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
        .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .addService(new io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc.AccessLogServiceImplBase() {
          @Override
          public io.grpc.stub.StreamObserver<io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage> streamAccessLogs(
              io.grpc.stub.StreamObserver<io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse> responses) {
            return new io.grpc.stub.StreamObserver<>() {
              String node = "";

              @Override
              public void onNext(io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage m) {
                if (m.hasIdentifier()) {
                  node = m.getIdentifier().getNode().getMetadata().getFieldsOrThrow("NAME").getStringValue();
                }
                // Each batch is stored with the identity of the stream it came on.
                received.add(m.toBuilder().setIdentifier(io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage.Identifier
                    .newBuilder().setLogName(node)).build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                responses.onCompleted();
              }
            };
          }
        }).build().start();
    try {
      runtime.mapMeshAddress(als, "127.0.0.1:" + server.getPort());
      meshedFrontpageCallingCatalog();
      Pod frontpage = pod("shop", "frontpage");
      Pod catalog = pod("shop", "catalog");
      get(runtime.address(frontpage, 8080).orElseThrow(), "/");

      java.util.List<io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry> outbound = new java.util.ArrayList<>();
      java.util.List<io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry> inboundAtCatalog = new java.util.ArrayList<>();
      Eventually.until(() -> {
        io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage m;
        while ((m = received.poll()) != null) {
          for (var e : m.getHttpLogs().getLogEntryList()) {
            String cluster = e.getCommonProperties().getUpstreamCluster();
            if (m.getIdentifier().getLogName().equals(frontpage.getMetadata().getName()) && cluster.startsWith("outbound|")) {
              outbound.add(e);
            }
            if (m.getIdentifier().getLogName().equals(catalog.getMetadata().getName()) && cluster.startsWith("inbound|")) {
              inboundAtCatalog.add(e);
            }
          }
        }
        return !outbound.isEmpty() && !inboundAtCatalog.isEmpty();
      }, Duration.ofSeconds(10), "frontpage's outbound and catalog's inbound entries arrive");
      var out = outbound.get(0);
      assertThat(out.getCommonProperties().getUpstreamCluster()).isEqualTo("outbound|8080||catalog.shop.svc.cluster.local");
      assertThat(out.getRequest().getAuthority()).isEqualTo("catalog.shop.svc.cluster.local:8080");
      assertThat(out.getRequest().getRequestMethod()).isEqualTo(io.envoyproxy.envoy.config.core.v3.RequestMethod.GET);
      assertThat(out.getResponse().getResponseCode().getValue()).isEqualTo(200);
      assertThat(out.getCommonProperties().getUpstreamRemoteAddress().getSocketAddress().getPortValue())
          .isEqualTo(Integer.parseInt(runtime.address(catalog, 8080).orElseThrow().split(":")[1]));
      assertThat(inboundAtCatalog.get(0).getResponse().getResponseCode().getValue()).isEqualTo(200);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void podsOutsideTheMeshGetNoSidecarAndReportNothing() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("plain").endMetadata().build()).create();
    service("plain", "frontpage", "catalog");
    service("plain", "catalog", "");
    Eventually.until(() -> runtime.runningPods() == 2, Duration.ofSeconds(20), "both pods run");
    Pod frontpage = pod("plain", "frontpage");
    assertThat(frontpage.getSpec().getContainers()).hasSize(1);
    assertThat(get(runtime.address(frontpage, 8080).orElseThrow(), "/")).contains("\"code\":200");
    assertThat(runtime.address(frontpage, ScrapeTargets.ENVOY_STATS_PORT)).as("no Envoy, no stats port").isEmpty();
  }
}
