package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.istio.MeshStatus;
import io.smm.operator.resources.OwnershipLabels;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.InProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `smm install`, `reconcile` and `uninstall` against the sandbox's API server and kubelet. */
class InstallTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  InProcessCluster cluster;
  EmbeddedApiServer api;
  KubernetesClient client;
  Installer installer;

  @BeforeEach
  void start() {
    cluster = InProcessCluster.withKubelet();
    api = cluster.api;
    client = cluster.client;
    installer = new Installer(client);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static JsonNode spec(String yaml) throws Exception {
    return YAML.readTree(yaml);
  }

  GenericKubernetesResource controlPlane() {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").get();
  }

  GenericKubernetesResource istioControlPlane() {
    return client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace("istio-system").withName("cp-v115x").get();
  }

  @SuppressWarnings("unchecked")
  static Object status(GenericKubernetesResource r, String key) {
    return ((Map<String, Object>) r.getAdditionalProperties().get("status")).get(key);
  }

  /** What the cluster registry copies to a peer once attached: the primary's ACTIVE control plane, with its gateway address. */
  void activePrimaryWithGateway(String address) {
    var peers = client.genericKubernetesResources(SmmCrds.PEER_ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.PEER_ISTIO_CONTROL_PLANE.kind())
        .inNamespace("istio-system");
    GenericKubernetesResource primary = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.PEER_ISTIO_CONTROL_PLANE.apiVersion()).withKind(SmmCrds.PEER_ISTIO_CONTROL_PLANE.kind())
        .withNewMetadata().withName("cp-v115x-primary").withNamespace("istio-system").endMetadata().build();
    primary.setAdditionalProperty("spec", Map.of("mode", "ACTIVE", "networkName", "network1"));
    primary = peers.resource(primary).create();
    primary.setAdditionalProperty("status", Map.of("istioControlPlaneName", "cp-v115x", "gatewayAddress", List.of(address)));
    peers.resource(primary).updateStatus();
  }

  /**
   * A control plane keeps reporting its meshexpansion gateway's address while the gateway's pods roll
   * (status Reconciling after a mesh config change): peers read it from there, and a moment without it
   * dropped this cluster's network gateway from their mesh networks until the next reconcile.
   */
  @Test
  void theGatewayAddressStaysInTheControlPlanesStatusWhileTheGatewayRolls() throws Exception {
    assertThat(installer.install("smm", spec("clusterName: peer\n"), ReconcileProgress.SILENT, Duration.ofSeconds(30)).succeeded()).isTrue();
    var gateways = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind())
        .inNamespace("istio-system");
    Eventually.until(() -> status(gateways.withName("istio-meshexpansion-cp-v115x").get(), "GatewayAddress") != null,
        Duration.ofSeconds(20), "the meshexpansion gateway has its load balancer address");
    var istio = new io.smm.operator.istio.IstioControlPlaneReconciler(client, new io.smm.operator.resources.ResourceApplier(client));
    istio.reconcile("istio-system", "cp-v115x");
    Object address = status(istioControlPlane(), "gatewayAddress");
    assertThat(address).asList().isNotEmpty();
    cluster.stopKubelet(); // nothing makes the gateway Available again behind the test's back
    var rolling = gateways.withName("istio-meshexpansion-cp-v115x").get();
    rolling.setAdditionalProperty("status", Map.of("Status", "Reconciling"));
    gateways.resource(rolling).updateStatus();
    istio.reconcile("istio-system", "cp-v115x");
    assertThat(status(istioControlPlane(), "gatewayAddress")).isEqualTo(address);
  }

  /**
   * A passive cluster (seed 2.7.1: Service Mesh Manager runs on the active one) has no collectors of
   * its own: its proxies' access logs and spans go to the active cluster's, through that cluster's
   * meshexpansion gateway (seed 2.7.1.1: peers reach it on 50600 and 59411). The collectors' Services
   * keep their names and lose their selectors; their Endpoints are the gateway addresses of the ACTIVE
   * control plane the cluster registry copied here, and follow them. Back to active, they select again.
   */
  @Test
  void aPassiveClustersCollectorsLeadToTheActiveClustersMeshexpansionGateway() throws Exception {
    JsonNode passive = spec("clusterName: peer\nrole: passive\n");
    assertThat(installer.install("smm", passive, ReconcileProgress.SILENT, Duration.ofSeconds(30)).succeeded()).isTrue();
    assertThat(client.services().inNamespace("smm-system").withName("smm-als").get().getSpec().getSelector()).isNullOrEmpty();
    assertThat(client.endpoints().inNamespace("smm-system").withName("smm-als").get().getSubsets())
        .as("no active cluster known yet: no endpoints").isNullOrEmpty();
    assertThat(client.genericKubernetesResources("security.istio.io/v1beta1", "PeerAuthentication").inNamespace("smm-system")
        .withName("smm-als").get()).as("no receiver here to protect").isNull();
    assertThat(client.genericKubernetesResources("networking.istio.io/v1beta1", "Gateway").inNamespace("smm-system")
        .withName("smm-als").get()).as("nothing here for the gateway to route to").isNull();

    // The registry copies the active cluster's control plane here once the clusters are attached.
    activePrimaryWithGateway("192.0.2.10");
    assertThat(installer.install("smm", passive, ReconcileProgress.SILENT, Duration.ofSeconds(30)).succeeded()).isTrue();
    for (String[] collector : new String[][] {{"smm-als", "50600"}, {"smm-zipkin", "59411"}}) {
      var endpoints = client.endpoints().inNamespace("smm-system").withName(collector[0]).get();
      assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
        assertThat(subset.getAddresses()).extracting(a -> a.getIp()).containsExactly("192.0.2.10");
        assertThat(subset.getPorts()).extracting(p -> p.getPort()).containsExactly(Integer.parseInt(collector[1]));
      });
    }

    assertThat(installer.install("smm", spec("clusterName: peer\nrole: active\n"), ReconcileProgress.SILENT, Duration.ofSeconds(30))
        .succeeded()).isTrue();
    assertThat(client.services().inNamespace("smm-system").withName("smm-als").get().getSpec().getSelector()).containsEntry("app", "smm");
    assertThat(client.endpoints().inNamespace("smm-system").withName("smm-als").get()).as("the forward is gone").isNull();
    assertThat(client.genericKubernetesResources("security.istio.io/v1beta1", "PeerAuthentication").inNamespace("smm-system")
        .withName("smm-als").get()).isNotNull();
  }

  /**
   * A remote Istio cluster (attach without --active-istio-control-plane): its IstioControlPlane turns
   * PASSIVE — istiod's Deployment and validating webhook go, the standalone injector serves the
   * injection webhook, and the istiod Service, headless without a selector, gets Endpoints at the
   * active peer's meshexpansion gateway (15012 xDS and CA, 15017 webhooks). Back to ACTIVE, istiod
   * returns and what PASSIVE added goes.
   */
  @Test
  void aPassiveControlPlaneRunsNoIstiodAndFindsTheActiveOneThroughItsGateway() throws Exception {
    String passive = "clusterName: peer\nrole: passive\nmeshManager:\n  istio:\n    istioCROverrides: |\n      spec:\n"
        + "        mode: PASSIVE\n        sidecarInjector:\n          deployment:\n            replicas:\n              count: 1\n";
    assertThat(installer.install("smm", spec("clusterName: peer\n"), ReconcileProgress.SILENT, Duration.ofSeconds(30)).succeeded()).isTrue();
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get()).isNotNull();
    activePrimaryWithGateway("192.0.2.10");

    ReconcileReport report = installer.install("smm", spec(passive), ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.istioStatus()).as(String.valueOf(istioControlPlane().getAdditionalProperties().get("status"))).isEqualTo("Available");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get()).as("no istiod here").isNull();
    assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istio-sidecar-injector-cp-v115x").get()).isNotNull();
    var istiod = client.services().inNamespace("istio-system").withName("istiod-cp-v115x").get();
    assertThat(istiod.getSpec().getSelector()).isNullOrEmpty();
    assertThat(istiod.getSpec().getClusterIP()).isEqualTo("None");
    var endpoints = client.endpoints().inNamespace("istio-system").withName("istiod-cp-v115x").get();
    assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
      assertThat(subset.getAddresses()).extracting(a -> a.getIp()).containsExactly("192.0.2.10");
      assertThat(subset.getPorts()).extracting(p -> p.getName() + "=" + p.getPort()).containsExactlyInAnyOrder("https-dns=15012",
          "https-webhook=15017");
    });

    assertThat(installer.install("smm", spec("clusterName: peer\n"), ReconcileProgress.SILENT, Duration.ofSeconds(30)).succeeded()).isTrue();
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get()).isNotNull();
    assertThat(client.services().inNamespace("istio-system").withName("istiod-cp-v115x").get().getSpec().getSelector())
        .containsEntry("app", "istiod");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istio-sidecar-injector-cp-v115x").get()).isNull();
    assertThat(client.endpoints().inNamespace("istio-system").withName("istiod-cp-v115x").get()).isNull();
  }

  @Test
  void installEndsSucceededWithIstioAvailableAndASecondReconcileWritesNothing() throws Exception {
    JsonNode userSpec = spec("clusterName: demo_cluster.eu\n");
    ReconcileReport report = installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(30));

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.components()).allSatisfy(c -> assertThat(c.status()).as(c.component()).isIn("Available", "Removed"));
    assertThat(report.components()).filteredOn(c -> c.component().equals("tracing")).singleElement()
        .extracting(ComponentResult::status).isEqualTo("Available");
    assertThat(report.istioStatus()).isEqualTo("Available");
    assertThat(status(controlPlane(), "status")).isEqualTo("Succeeded");
    assertThat(MeshStatus.clusters(client)).extracting(c -> c.status())
        .as("smm istio cluster status shows the word the manual tells users to wait for").containsExactly("Available");
    assertThat(status(istioControlPlane(), "status")).isEqualTo("Available");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm").get()).isNotNull();
    var gateway = client.apps().deployments().inNamespace("smm-system").withName("smm-ingressgateway").get();
    assertThat(gateway.getMetadata().getLabels()).containsEntry("gateway-name", "smm-ingressgateway")
        .containsEntry("gateway-type", "ingress").containsEntry("istio.io/rev", "cp-v115x.istio-system");
    assertThat(client.services().inNamespace("smm-system").withName("smm-ingressgateway").get().getSpec().getPorts())
        .extracting(p -> p.getPort()).containsExactly(80);
    var meshGateway = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind())
        .inNamespace("smm-system").withName("smm-ingressgateway").get();
    assertThat(status(meshGateway, "Status")).isEqualTo("Available");
    @SuppressWarnings("unchecked")
    var icpSpec = (Map<String, Object>) istioControlPlane().getAdditionalProperties().get("spec");
    assertThat(icpSpec.get("clusterID")).as("managed, converted cluster name").isEqualTo("demo-cluster-eu");

    // The meshexpansion gateway's external Service follows its load balancer address, which the
    // cloud (here the sandbox's controller) gives after the install; once it is there and followed,
    // the cluster is settled: stop the kubelet so only the reconciler could write.
    Eventually.until(() -> {
      var expansion = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind())
          .inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x").get();
      return expansion != null && status(expansion, "GatewayAddress") != null;
    }, Duration.ofSeconds(20), "the meshexpansion gateway has its load balancer address");
    installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(30));
    cluster.stopKubelet();
    long before = api.writeRequests();
    ReconcileReport again = installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(5));
    assertThat(again.succeeded()).isTrue();
    assertThat(api.writeRequests() - before).as("write requests of a no-op reconcile").isZero();
  }

  @Test
  void editsOfWhatTheProductManagesAreUndoneByTheNextReconcileInOneWrite() throws Exception {
    JsonNode userSpec = spec("{}");
    installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(30));
    var grafana = client.apps().deployments().inNamespace("smm-system").withName("smm-grafana");
    grafana.edit(d -> {
      d.getSpec().setReplicas(5);
      d.getSpec().getTemplate().getSpec().getContainers().add(new ContainerBuilder().withName("extra").withImage("busybox:1.36").build());
      return d;
    });

    ReconcileReport repair = installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(repair.writes()).as(repair.toString()).isEqualTo(1);
    assertThat(repair.components()).filteredOn(c -> c.component().equals("grafana")).singleElement()
        .extracting(ComponentResult::updated).isEqualTo(1);
    assertThat(grafana.get().getSpec().getReplicas()).isEqualTo(1);
    assertThat(grafana.get().getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("smm-grafana");

    ReconcileReport again = installer.install("smm", userSpec, ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(again.writes()).as("repaired: the next reconcile has nothing to do").isZero();
  }

  @Test
  void twoInstallsAtOnceBothSucceed() throws Exception {
    JsonNode userSpec = spec("{}");
    var first = CompletableFuture.supplyAsync(() -> new Installer(client).install("smm", userSpec,
        ReconcileProgress.SILENT, Duration.ofSeconds(60)));
    var second = CompletableFuture.supplyAsync(() -> new Installer(client).install("smm", userSpec,
        ReconcileProgress.SILENT, Duration.ofSeconds(60)));
    assertThat(first.get().succeeded()).as(first.get().toString()).isTrue();
    assertThat(second.get().succeeded()).as(second.get().toString()).isTrue();
    assertThat(status(controlPlane(), "status")).isEqualTo("Succeeded");
  }

  @Test
  void disablingAComponentRemovesItsResourcesAndOnlyThose() throws Exception {
    installer.install("smm", spec("{}"), ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-tracing").get()).isNotNull();

    ReconcileReport report = installer.install("smm", spec("smm: {tracing: {enabled: false}}"), ReconcileProgress.SILENT,
        Duration.ofSeconds(30));
    assertThat(report.components()).filteredOn(c -> c.component().equals("tracing")).singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo("Removed")).satisfies(c -> assertThat(c.deleted()).isEqualTo(3));
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-tracing").get()).isNull();
    assertThat(client.services().inNamespace("smm-system").withName("smm-tracing").get()).isNull();
    // The collector address the sidecars report spans to goes with it (its own component, also Removed).
    assertThat(client.services().inNamespace("smm-system").withName("smm-zipkin").get()).isNull();
    // And so does its route through the meshexpansion gateway (a Gateway and a VirtualService).
    assertThat(client.genericKubernetesResources("networking.istio.io/v1beta1", "Gateway").inNamespace("smm-system").withName("smm-zipkin")
        .get()).isNull();
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-grafana").get()).isNotNull();
    assertThat(report.writes()).isEqualTo(6);
  }

  @Test
  void anInvalidSpecIsRejectedBeforeAnyWrite() throws Exception {
    long before = api.writeRequests();
    assertThatThrownBy(() -> installer.install("smm", spec("smm: {tracing: {enabeld: false}}"), ReconcileProgress.SILENT, Duration.ZERO))
        .isInstanceOf(InvalidResourceException.class).hasMessageContaining(".spec.smm.tracing.enabeld: unknown field");
    assertThat(api.writeRequests()).isEqualTo(before);
  }

  @Test
  void uninstallLeavesOnlyCrdsAndTheUsersObjects() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
    client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("cart").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "cart").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "cart").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("cart").endContainer().endSpec().endTemplate().endSpec().build()).create();
    installer.install("smm", spec("{}"), ReconcileProgress.SILENT, Duration.ofSeconds(30));

    ReconcileReport report = installer.uninstall("smm", ReconcileProgress.SILENT);
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(managedObjects()).as("objects labelled managed-by=smm").isEmpty();
    assertThat(controlPlane()).isNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("controlplanes.smm.cisco.com").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace("shop").withName("cart").get()).isNotNull();
    assertThat(client.namespaces().withName("shop").get()).isNotNull();
    assertThat(client.namespaces().withName("smm-system").get()).isNull();
    assertThat(client.namespaces().withName("istio-system").get()).isNull();
  }

  @Test
  void aFailedWriteAnywhereInTheInstallConvergesOnTheNextReconcile() throws Exception {
    for (int n = 1; n <= 10; n++) {
      stop();
      start();
      api.failWrite(n);
      // The applier retries 5xx, so most single faults are absorbed within the first pass.
      ReconcileReport first = installer.install("smm", spec("{}"), ReconcileProgress.SILENT, Duration.ofSeconds(30));
      ReconcileReport second = installer.install("smm", spec("{}"), ReconcileProgress.SILENT, Duration.ofSeconds(30));
      assertThat(second.succeeded()).as("fault at write " + n + "; first pass " + first).isTrue();
      assertThat(status(controlPlane(), "status")).isEqualTo("Succeeded");
      cluster.stopKubelet();
      ReconcileReport third = installer.install("smm", spec("{}"), ReconcileProgress.SILENT, Duration.ofSeconds(5));
      assertThat(third.writes()).as("fault at write " + n + ": converged").isZero();
    }
  }

  List<HasMetadata> managedObjects() {
    String selector = OwnershipLabels.MANAGED_BY;
    List<HasMetadata> out = new ArrayList<>();
    out.addAll(client.apps().deployments().inAnyNamespace().withLabel(selector, "smm").list().getItems());
    out.addAll(client.services().inAnyNamespace().withLabel(selector, "smm").list().getItems());
    out.addAll(client.serviceAccounts().inAnyNamespace().withLabel(selector, "smm").list().getItems());
    out.addAll(client.configMaps().inAnyNamespace().withLabel(selector, "smm").list().getItems());
    out.addAll(client.namespaces().withLabel(selector, "smm").list().getItems());
    out.addAll(client.rbac().clusterRoles().withLabel(selector, "smm").list().getItems());
    out.addAll(client.admissionRegistration().v1().mutatingWebhookConfigurations().withLabel(selector, "smm").list().getItems());
    out.addAll(client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inAnyNamespace().list().getItems());
    out.addAll(client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind())
        .inAnyNamespace().list().getItems());
    return out;
  }
}
