package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.istio.ControlPlaneRemoval;
import io.smm.operator.istio.IstioControlPlaneReconciler;
import io.smm.operator.istio.MeshStatus;
import io.smm.operator.istio.OutboundTrafficPolicy;
import io.smm.operator.istio.SidecarInjection;
import io.smm.operator.controllers.IstioControlPlaneController;
import io.smm.operator.controllers.SmmOperator;
import io.smm.operator.resources.ResourceApplier;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.InProcessCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canary control-plane upgrade: cp-v1157x beside cp-v115x, namespaces moved by relabelling, the old
 * one removable only once nothing uses it. Pods are labelled istio.io/rev as Istio's injector
 * labels the pods it injects (the sandbox's injector simulation is the demo-mesh issue's).
 */
class CanaryUpgradeTest {

  static final ObjectMapper JSON = new ObjectMapper();
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
    installer.install("smm", JSON.createObjectNode(), ReconcileProgress.SILENT, Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }


  void createCanary() {
    client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace("istio-system").resource(new GenericKubernetesResourceBuilder()
            .withApiVersion(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion()).withKind(SmmCrds.ISTIO_CONTROL_PLANE.kind())
            .withNewMetadata().withName("cp-v1157x").withNamespace("istio-system").endMetadata()
            .addToAdditionalProperties("spec", Map.of("version", "1.15.7", "mode", "ACTIVE")).build()).create();
  }

  void pod(String name, String revision) {
    client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
        .addToLabels("app", "cart").addToLabels("istio.io/rev", revision).endMetadata()
        .withNewSpec().addNewContainer().withName("cart").withImage("cart").endContainer()
        .addNewContainer().withName("istio-proxy").withImage("proxyv2").endContainer().endSpec().build()).create();
  }

  MeshStatus.ControlPlaneRow row(String name) {
    return MeshStatus.controlPlanes(client).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void canaryUpgradeMovesNamespacesAndRemovesTheOldControlPlaneOnlyWhenUnused() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    assertThat(SidecarInjection.enable(client, "shop", "cp-v115x")).isEqualTo("cp-v115x.istio-system");
    pod("cart-1", "cp-v115x.istio-system");

    createCanary();
    installer.install("smm", JSON.createObjectNode(), ReconcileProgress.SILENT, Duration.ofSeconds(30));
    Eventually.until(() -> "Available".equals(row("cp-v1157x").status()), Duration.ofSeconds(20), "the canary's istiod is available");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v1157x").get()).isNotNull();
    assertThat(row("cp-v115x").pods()).as("cart-1, the smm-ingressgateway pod and the smm pod (its sidecar takes the access logs)").isEqualTo(3);
    assertThat(row("cp-v1157x").version()).isEqualTo("1.15.7");

    SidecarInjection.enable(client, "shop", "cp-v1157x.istio-system");
    assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels()).containsEntry("istio.io/rev", "cp-v1157x.istio-system");
    assertThat(row("cp-v1157x").namespaces()).isEqualTo(1);

    ControlPlaneRemoval removal = new ControlPlaneRemoval(client);
    assertThatThrownBy(() -> removal.remove("istio-system", "cp-v115x", false))
        .hasMessageContaining("is the control plane of ControlPlane smm");
    var switched = installer.install("smm", JSON.readTree("{\"meshManager\":{\"istio\":{\"istioCRRef\":{\"name\":\"cp-v1157x\",\"namespace\":\"istio-system\"}}}}"),
        ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(switched.succeeded()).as(switched.toString()).isTrue();
    // The product's own gateway follows istioCRRef and rolls to the new revision.
    Eventually.until(() -> String.valueOf(removal.refusal("istio-system", "cp-v115x"))
        .startsWith("cp-v115x.istio-system is still used by 1 pod(s) (shop/cart-1)"), Duration.ofSeconds(20),
        () -> "only the workload still uses the old revision: " + removal.refusal("istio-system", "cp-v115x"));
    assertThatThrownBy(() -> removal.remove("istio-system", "cp-v115x", false))
        .hasMessageContaining("cp-v115x.istio-system is still used by 1 pod(s) (shop/cart-1)");

    // Restarting the workload gives it the new proxy.
    client.pods().inNamespace("shop").withName("cart-1").delete();
    pod("cart-2", "cp-v1157x.istio-system");
    removal.remove("istio-system", "cp-v115x", false);
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get()).isNull();
    assertThat(MeshStatus.controlPlanes(client)).extracting(MeshStatus.ControlPlaneRow::name).containsExactly("cp-v1157x");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v1157x").get()).isNotNull();
  }

  @Test
  void forceRemovesAControlPlaneInUse() throws Exception {
    createCanary();
    installer.install("smm", JSON.createObjectNode(), ReconcileProgress.SILENT, Duration.ofSeconds(30));
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    SidecarInjection.enable(client, "shop", "cp-v1157x");
    new ControlPlaneRemoval(client).remove("istio-system", "cp-v1157x", true);
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v1157x").get()).isNull();
  }

  @Test
  void inOperatorModeDeletingAControlPlaneInUseIsHeldByItsFinalizerUntilForced() throws Exception {
    try (KubernetesClient opClient = api.newClient();
        SmmOperator operator = new SmmOperator(opClient, new SmmOperator.Election("default", "only", Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofMillis(300)))) {
      operator.start();
      createCanary();
      var canary = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
          .inNamespace("istio-system").withName("cp-v1157x");
      Eventually.until(() -> "Available".equals(row("cp-v1157x").status()), Duration.ofSeconds(20), "the operator runs the canary's istiod");
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
      SidecarInjection.enable(client, "shop", "cp-v1157x");

      canary.delete();
      Eventually.until(() -> row("cp-v1157x").error().startsWith("deletion blocked: cp-v1157x.istio-system is still used by 0 pod(s) and 1 namespace(s)"),
          Duration.ofSeconds(20), "the deletion is held with the reason");
      assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v1157x").get()).isNotNull();

      canary.edit(icp -> {
        icp.getMetadata().getAnnotations().put(IstioControlPlaneController.FORCE_DELETE, "true");
        return icp;
      });
      Eventually.until(() -> canary.get() == null, Duration.ofSeconds(20), "forced deletion completes");
      assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v1157x").get()).isNull();
    }
  }

  @Test
  void outboundTrafficPolicyIsKeptInTheControlPlaneAndReachesTheIstioControlPlane() throws Exception {
    assertThat(OutboundTrafficPolicy.get(client, "smm")).isNull();
    var spec = OutboundTrafficPolicy.set(client, "smm", "REGISTRY_ONLY");
    installer.install("smm", spec, ReconcileProgress.SILENT, Duration.ofSeconds(30));
    assertThat(OutboundTrafficPolicy.get(client, "smm")).isEqualTo("REGISTRY_ONLY");
    GenericKubernetesResource icp = client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace("istio-system").withName("cp-v115x").get();
    assertThat(JSON.valueToTree(icp.getAdditionalProperties()).at("/spec/meshConfig/outboundTrafficPolicy/mode").asText())
        .isEqualTo("REGISTRY_ONLY");
    assertThat(client.configMaps().inNamespace("istio-system").withName("istio-cp-v115x.istio-system").get().getData().get("mesh"))
        .contains("REGISTRY_ONLY");
  }

  @Test
  void aControlPlaneOfAnIstioVersionWithoutChartsFailsNamingTheFieldAndWritesNothing() {
    client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace("istio-system").resource(new GenericKubernetesResourceBuilder()
            .withApiVersion(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion()).withKind(SmmCrds.ISTIO_CONTROL_PLANE.kind())
            .withNewMetadata().withName("cp-v117x").withNamespace("istio-system").endMetadata()
            .addToAdditionalProperties("spec", Map.of("version", "1.17.1", "mode", "ACTIVE",
                "containerImageConfiguration", Map.of("imagePullPolicy", "Sometimes"))).build()).create();
    String status = new IstioControlPlaneReconciler(client, new ResourceApplier(client))
        .reconcile("istio-system", "cp-v117x");
    assertThat(status).isEqualTo("ReconcileFailed");
    assertThat(row("cp-v117x").error()).contains("spec.version: \"1.17.1\" is not supported")
        .contains("spec.containerImageConfiguration.imagePullPolicy: \"Sometimes\" is not one of Always, IfNotPresent, Never");
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v117x").get()).isNull();
    assertThat(client.configMaps().inNamespace("istio-system").list().getItems())
        .noneMatch(cm -> cm.getMetadata().getName().contains("cp-v117x"));
  }
}
