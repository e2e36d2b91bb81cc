package io.smm.sandbox.demo;

import static io.smm.sandbox.testing.DemoWorkloads.namespace;
import static io.smm.sandbox.testing.DemoWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.prometheus.ScrapeTargets;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.Exposition;
import io.smm.sandbox.testing.IstioFixtures;
import io.smm.sandbox.testing.SimulatedMesh;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two sandbox clusters, east reading west through a remote secret as istiod does (multi-primary):
 * east's sidecars resolve west's Services and send to west's pods — directly on one network, through
 * west's network gateway on two — and both sidecars report the call with source_cluster east and
 * destination_cluster west.
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
    // (Calls made before the networks reached the sidecars, within a second, may have gone to west directly: not any more.)
    double direct = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"));
    send(east, "frontpage", 3);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"))).isEqualTo(direct);

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

  /**
   * East and west on networks of their own (meshNetworks in east's mesh ConfigMap, as the operator
   * renders it from the peers' control planes): east reaches west's catalog only through west's
   * network gateway, on 15443, and only while an AUTO_PASSTHROUGH Gateway server takes the SNI there;
   * without a gateway for west's network its endpoints are left out; without the gateway pod the calls fail.
   */
  @Test
  void anotherNetworksServiceIsReachedOnlyThroughItsGatewayInAutoPassthrough() throws Exception {
    east.close();
    west.close();
    east = new SimulatedMesh(Map.of("version", "1.15.3", "clusterID", "east", "networkName", "east-net"));
    west = new SimulatedMesh(Map.of("version", "1.15.3", "clusterID", "west", "networkName", "west-net"));
    namespace(east.client, "shop", true);
    namespace(west.client, "shop", true);
    IstioFixtures.crd(west.client, "networking.istio.io", "v1beta1", "Gateway");
    workload(east.client, "shop", "frontpage", Map.of("REQUESTS", "http://catalog:8080/#1"));
    workload(west.client, "shop", "catalog", Map.of());
    meshNetworks(east, "");
    eastReadsWest();
    Eventually.until(() -> east.runtime.runningPods() == 1 && west.runtime.runningPods() == 1, Duration.ofSeconds(20), "both pods run");
    // The configuration reaches the sidecars within a second, as istiod pushes it; calls made before may have gone
    // to west directly (or found no endpoint while west's pods were still being listed).
    Eventually.until(() -> east.runtime.mesh().networks().networkOf("west").isPresent(), Duration.ofSeconds(20),
        "east's sidecars have the mesh networks");
    Eventually.until(() -> {
      send(east, "frontpage", 1);
      return requests(east, "frontpage", Map.of("reporter", "source", "response_flags", "UH")) > 0;
    }, Duration.ofSeconds(20), "west's network has no gateway: catalog has no endpoint for east");
    double direct = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"));
    send(east, "frontpage", 3);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west"))).isEqualTo(direct);

    meshNetworks(east, "gateways: [{address: 127.0.0.1, port: 15443}]");
    networkGateway(west);
    Eventually.until(() -> {
      send(east, "frontpage", 1);
      // reset by the gateway (UC; Istio's default retry policy retries it: URX)
      return requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "response_code", "503",
          "response_flags", "UC,URX")) > 0;
    }, Duration.ofSeconds(20), "without an AUTO_PASSTHROUGH server west's gateway drops the connection");
    double reached = requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east"));
    send(east, "frontpage", 3);
    assertThat(requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east"))).isEqualTo(reached);

    west.client.genericKubernetesResources("networking.istio.io/v1beta1", "Gateway").inNamespace("istio-system")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("Gateway")
            .withNewMetadata().withName("istio-cross-network-cp-v115x").withNamespace("istio-system").endMetadata()
            .addToAdditionalProperties("spec", Map.of("selector", Map.of("gateway-name", "istio-meshexpansion-cp-v115x"),
                "servers", List.of(Map.of("port", Map.of("number", 15443, "name", "tls", "protocol", "TLS"),
                    "tls", Map.of("mode", "AUTO_PASSTHROUGH"), "hosts", List.of("*.local"))))).build()).create();
    Eventually.until(() -> {
      send(east, "frontpage", 1);
      return requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east", "response_code", "200")) > 0;
    }, Duration.ofSeconds(20), "east's frontpage reaches west's catalog through the gateway");
    double before = requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east", "source_workload", "frontpage-v1"));
    double sent = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "destination_workload",
        "catalog-v1", "response_code", "200"));
    send(east, "frontpage", 5);
    assertThat(requests(west, "catalog", Map.of("reporter", "destination", "source_cluster", "east", "source_workload", "frontpage-v1")))
        .isEqualTo(before + 5);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "destination_workload",
        "catalog-v1", "response_code", "200"))).isEqualTo(sent + 5);

    // The gateway goes: the endpoint stays in EDS, but nothing answers behind the load balancer.
    west.client.pods().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x-0").delete();
    Eventually.until(() -> {
      double failed = requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "response_code", "503"));
      send(east, "frontpage", 1);
      return requests(east, "frontpage", Map.of("reporter", "source", "destination_cluster", "west", "response_code", "503")) > failed;
    }, Duration.ofSeconds(20), "without the gateway pod east's calls to west fail");
  }

  /**
   * Primary-remote: east's control plane is PASSIVE, its istiod Service has no selector and its
   * Endpoints lead to west's istiod (15012, where west's meshexpansion gateway passes through). East's
   * sidecars then follow west's configuration — a VirtualService applied in west aborts east's calls,
   * which east's own configuration never did — and east's new workloads are certified by west's CA;
   * once east's istiod Service selects again, east's own configuration and CA are back.
   */
  @Test
  void aRemoteClustersSidecarsAreServedByTheIstiodItsIstiodServiceLeadsTo() throws Exception {
    workload(east.client, "shop", "frontpage", Map.of("REQUESTS", "http://catalog:8080/#1"));
    workload(east.client, "shop", "catalog", Map.of());
    west.client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istiod-0")
        .addToLabels("app", "istiod").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().withNewSpec().addNewContainer()
        .withName("discovery").withImage("docker.io/istio/pilot:1.15.3").addNewPort().withContainerPort(15012).endPort().endContainer()
        .endSpec().build()).create();
    Eventually.until(() -> io.smm.sandbox.kubelet.PodNetwork.routes(west.client.pods().inNamespace("istio-system").withName("istiod-0").get())
        .containsKey(15012), Duration.ofSeconds(20), "west's istiod runs");
    String westIstiod = io.smm.sandbox.kubelet.PodNetwork.routes(west.client.pods().inNamespace("istio-system").withName("istiod-0").get())
        .get(15012);
    Eventually.until(() -> east.runtime.runningPods() == 2, Duration.ofSeconds(20), "east's pods run");
    west.client.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("shop")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("VirtualService")
            .withNewMetadata().withName("catalog-down").withNamespace("shop").endMetadata()
            .addToAdditionalProperties("spec", Map.of("hosts", List.of("catalog"), "http", List.of(Map.of(
                "fault", Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 100))),
                "route", List.of(Map.of("destination", Map.of("host", "catalog"))))))).build()).create();
    send(east, "frontpage", 3);
    assertThat(requests(east, "frontpage", Map.of("reporter", "source", "response_flags", "FI")))
        .as("east's own configuration has no such VirtualService").isZero();

    var istiodService = east.client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata()
        .withName("istiod-cp-v115x").addToLabels("app", "istiod").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .withNewSpec().withClusterIP("None").addNewPort().withName("https-dns").withPort(15012).endPort().endSpec().build());
    istiodService.create();
    east.client.endpoints().inNamespace("istio-system").resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata()
        .withName("istiod-cp-v115x").endMetadata().addNewSubset().addNewAddress().withIp(westIstiod.substring(0, westIstiod.indexOf(':')))
        .endAddress().addNewPort().withName("https-dns").withPort(Integer.parseInt(westIstiod.substring(westIstiod.indexOf(':') + 1)))
        .endPort().endSubset().build()).create();
    try (var remoteIstiod = new io.smm.sandbox.istiod.RemoteControlPlane(east.client, east.runtime).start(Duration.ofMillis(200))) {
      Eventually.until(() -> remoteIstiod.servingRevision().isPresent(), Duration.ofSeconds(20), "east is served by west's istiod");
      Eventually.until(() -> {
        send(east, "frontpage", 1);
        return requests(east, "frontpage", Map.of("reporter", "source", "response_code", "503", "response_flags", "FI")) > 0;
      }, Duration.ofSeconds(20), "east's sidecars follow west's VirtualService");
      var certificate = east.runtime.meshCa().issue("shop", "catalog").certificate();
      certificate.verify(west.runtime.meshCa().root().getPublicKey());
      assertThat(east.runtime.meshCa().root()).isEqualTo(west.runtime.meshCa().root());

      east.client.services().inNamespace("istio-system").withName("istiod-cp-v115x").edit(svc -> {
        svc.getSpec().setSelector(Map.of("app", "istiod"));
        return svc;
      });
      Eventually.until(() -> remoteIstiod.servingRevision().isEmpty(), Duration.ofSeconds(20), "east is served by its own istiod again");
      Eventually.until(() -> {
        double aborted = requests(east, "frontpage", Map.of("reporter", "source", "response_flags", "FI"));
        send(east, "frontpage", 3);
        return requests(east, "frontpage", Map.of("reporter", "source", "response_flags", "FI")) == aborted;
      }, Duration.ofSeconds(20), "east's own configuration again: nothing aborts its calls");
      assertThat(east.runtime.meshCa().root()).isNotEqualTo(west.runtime.meshCa().root());
    }
  }

  /**
   * A passive cluster's collectors (east's smm-als without a selector, its Endpoints at the active
   * cluster's meshexpansion gateway address on 50600): east's sidecars send their access logs to that
   * address — where the other sandbox's load balancer listens — not to a receiver of east's own; an
   * address off this machine is never used; with a selector, the receiver running here is used again.
   */
  @Test
  void aCollectorServiceWithoutSelectorLeadsToItsEndpointsAddress() throws Exception {
    String als = "smm-als.smm-system.svc.cluster.local:50600";
    namespace(east.client, "smm-system", false);
    east.runtime.mapMeshAddress(als, "127.0.0.1:1");
    east.client.services().inNamespace("smm-system").resource(new ServiceBuilder().withNewMetadata().withName("smm-als").endMetadata()
        .withNewSpec().addNewPort().withName("grpc-als").withPort(50600).endPort().endSpec().build()).create();
    var endpoints = east.client.endpoints().inNamespace("smm-system").resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder()
        .withNewMetadata().withName("smm-als").endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.7").endAddress()
        .addNewAddress().withIp("127.123.4.5").endAddress().addNewPort().withName("grpc-als").withPort(50600).endPort().endSubset().build());
    endpoints.create();
    Eventually.until(() -> "127.123.4.5:50600".equals(east.runtime.collectorAddress(als)), Duration.ofSeconds(20),
        () -> "east's access logs go to the gateway's address, not to " + east.runtime.collectorAddress(als));
    endpoints.edit(e -> {
      e.getSubsets().get(0).getAddresses().remove(1);
      return e;
    });
    assertThat(east.runtime.collectorAddress(als)).as("nothing is sent off this machine").isNull();

    east.client.services().inNamespace("smm-system").withName("smm-als").edit(svc -> {
      svc.getSpec().setSelector(Map.of("app", "smm"));
      return svc;
    });
    Eventually.until(() -> "127.0.0.1:1".equals(east.runtime.collectorAddress(als)), Duration.ofSeconds(20),
        "with a selector the receiver of this cluster is used");
  }

  /** The mesh networks as the operator writes them into east's mesh ConfigMap; {@code westGateways} is YAML (or ""). */
  void meshNetworks(SimulatedMesh mesh, String westGateways) {
    String yaml = "networks:\n  east-net:\n    endpoints: [{fromRegistry: east}]\n  west-net:\n    endpoints: [{fromRegistry: west}]\n"
        + (westGateways.isEmpty() ? "" : "    " + westGateways + "\n");
    mesh.client.configMaps().inNamespace("istio-system").resource(new ConfigMapBuilder().withNewMetadata().withName("istio-cp-v115x")
        .addToLabels("istio", "meshconfig").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .addToData("meshNetworks", yaml).build()).createOr(NonDeletingOperation::update);
  }

  /** West's meshexpansion gateway: its LoadBalancer Service (address 127.0.0.1, as the sandbox's load balancer gives) and pod. */
  void networkGateway(SimulatedMesh mesh) {
    Map<String, String> labels = Map.of("gateway-name", "istio-meshexpansion-cp-v115x", "gateway-type", "ingress");
    var service = mesh.client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata()
        .withName("istio-meshexpansion-cp-v115x").endMetadata().withNewSpec().withType("LoadBalancer").withSelector(labels)
        .addNewPort().withName("tls").withPort(15443).withTargetPort(new IntOrString(15443)).endPort().endSpec().build()).create();
    service.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("127.0.0.1").endIngress().endLoadBalancer()
        .build());
    mesh.client.services().inNamespace("istio-system").resource(service).updateStatus();
    mesh.client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istio-meshexpansion-cp-v115x-0")
        .withLabels(labels).endMetadata().withNewSpec().addNewContainer().withName("istio-proxy").withImage("docker.io/istio/proxyv2:1.15.3")
        .addNewPort().withContainerPort(15443).endPort().endContainer().endSpec().build()).create();
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
