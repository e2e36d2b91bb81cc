package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.components.CrdsComponent;
import io.smm.operator.controllers.SmmOperator;
import io.smm.operator.resources.ResourceApplier;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.InProcessCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `smm operator`: two replicas with leader election against the sandbox API server. */
class OperatorModeTest {

  InProcessCluster cluster;
  EmbeddedApiServer api;
  KubernetesClient client;
  KubernetesClient clientA;
  KubernetesClient clientB;
  SmmOperator a;
  SmmOperator b;

  @BeforeEach
  void start() {
    cluster = InProcessCluster.withKubelet();
    api = cluster.api;
    client = cluster.client;
    ResourceApplier applier = new ResourceApplier(client);
    new CrdsComponent().desired(null).forEach(r -> applier.apply(r, "crds", "test"));
    clientA = api.newClient();
    clientB = api.newClient();
    a = new SmmOperator(clientA, election("replica-a"));
    b = new SmmOperator(clientB, election("replica-b"));
    a.start();
    b.start();
  }

  static SmmOperator.Election election(String identity) {
    return new SmmOperator.Election("default", identity, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    clientA.close();
    clientB.close();
    cluster.close();
  }


  GenericKubernetesResource cp() {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").get();
  }

  @SuppressWarnings("unchecked")
  String cpStatus() {
    GenericKubernetesResource cp = cp();
    if (cp == null || cp.getAdditionalProperties().get("status") == null) {
      return null;
    }
    return String.valueOf(((Map<String, Object>) cp.getAdditionalProperties().get("status")).get("status"));
  }

  boolean tracingDeployed() {
    return client.apps().deployments().inNamespace("smm-system").withName("smm-tracing").get() != null;
  }

  void setSpec(Map<String, Object> spec) {
    var cps = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    for (int attempt = 0; ; attempt++) {
      try {
        GenericKubernetesResource cp = cps.withName("smm").get();
        cp.getAdditionalProperties().put("spec", spec);
        cps.resource(cp).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void onlyTheLeaderReconcilesAndEditsAndDeletionAreFollowed() throws Exception {
    client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
            .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName("smm").endMetadata()
            .addToAdditionalProperties("spec", Map.of("clusterName", "operated")).build()).create();
    Eventually.until(() -> "Succeeded".equals(cpStatus()) && tracingDeployed(), Duration.ofSeconds(30), "the ControlPlane is installed");
    assertThat(a.controller().reconciles() == 0 || b.controller().reconciles() == 0)
        .as("reconciles: a=%d b=%d", a.controller().reconciles(), b.controller().reconciles()).isTrue();
    assertThat(cp().getMetadata().getFinalizers()).as("cleanup is guarded by a finalizer").isNotEmpty();

    long t0 = System.nanoTime();
    setSpec(Map.of("clusterName", "operated", "smm", Map.of("tracing", Map.of("enabled", false))));
    Eventually.until(() -> !tracingDeployed(), Duration.ofSeconds(10), "tracing is removed");
    System.out.printf("tracing removed %.1fs after the edit%n", (System.nanoTime() - t0) / 1e9);
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-grafana").get()).isNotNull();

    // A typo the CRD's schema can see is refused by the API server (as kube-apiserver with kubectl's strict field validation).
    var typo = Assertions.catchThrowableOfType(
        () -> setSpec(Map.of("clusterName", "operated", "smm", Map.of("tracing", Map.of("enabeld", true)))),
        KubernetesClientException.class);
    assertThat(typo.getCode()).isEqualTo(422);
    assertThat(typo.getStatus().getMessage()).contains("spec.smm.tracing.enabeld: unknown field");
    // What only the operator can check (the IstioControlPlane YAML inside a string) is reported in the status.
    setSpec(Map.of("clusterName", "operated", "meshManager", Map.of("istio", Map.of("istioCROverrides", "spec: [unclosed"))));
    Eventually.until(() -> "Failed".equals(cpStatus()), Duration.ofSeconds(10), "the invalid spec is reported");
    assertThat(String.valueOf(cp().getAdditionalProperties().get("status"))).contains(".spec.meshManager.istio.istioCROverrides: not valid YAML");
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-grafana").get()).as("nothing touched").isNotNull();

    client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").delete();
    Eventually.until(() -> cp() == null, Duration.ofSeconds(30), "the ControlPlane is gone after cleanup");
    assertThat(client.apps().deployments().inAnyNamespace().withLabel("app.kubernetes.io/managed-by", "smm").list().getItems())
        .isEmpty();
    assertThat(a.controller().reconciles() == 0 || b.controller().reconciles() == 0).isTrue();
  }

  @Test
  void whenTheLeaderStopsTheOtherReplicaTakesOver() throws Exception {
    client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
            .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName("smm").endMetadata()
            .addToAdditionalProperties("spec", Map.of("clusterName", "operated")).build()).create();
    Eventually.until(() -> "Succeeded".equals(cpStatus()), Duration.ofSeconds(30), "the ControlPlane is installed");
    SmmOperator leader = a.controller().reconciles() > 0 ? a : b;
    SmmOperator follower = leader == a ? b : a;
    leader.close();
    setSpec(Map.of("clusterName", "operated", "smm", Map.of("tracing", Map.of("enabled", false))));
    Eventually.until(() -> !tracingDeployed(), Duration.ofSeconds(20), "the new leader removes tracing");
    assertThat(follower.controller().reconciles()).isPositive();
  }

  @SuppressWarnings("unchecked")
  String demoStatus() {
    GenericKubernetesResource demo = client.genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(),
        SmmCrds.DEMO_APPLICATION.kind()).inNamespace("smm-demo").withName("smm-demo").get();
    return demo == null || demo.getAdditionalProperties().get("status") == null ? null
        : String.valueOf(((Map<String, Object>) demo.getAdditionalProperties().get("status")));
  }

  @Test
  void aDemoApplicationAppliedLikeGitOpsIsReconciledAndItsDeletionRemovesTheApp() throws Exception {
    var demos = client.genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(), SmmCrds.DEMO_APPLICATION.kind());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo")
        .endMetadata().build()).create();
    // The seed's GitOps example (2.3.6), as ArgoCD would apply it.
    demos.inNamespace("smm-demo").resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.DEMO_APPLICATION.apiVersion())
        .withKind(SmmCrds.DEMO_APPLICATION.kind()).withNewMetadata().withName("smm-demo").withNamespace("smm-demo").endMetadata()
        .addToAdditionalProperties("spec", Map.of("autoscaling", Map.of("enabled", true), "controlPlaneRef", Map.of("name", "smm"),
            "deployIstioResources", true, "deploySLOResources", true, "enabled", true,
            "enabledComponents", List.of("frontpage", "catalog", "movies", "database"),
            "load", Map.of("enabled", true, "maxRPS", 30, "minRPS", 10, "swingPeriod", 1380000000000L), "replicas", 1,
            "resources", Map.of("limits", Map.of("cpu", "2", "memory", "192Mi"))))
        .build()).create();
    var deployments = client.apps().deployments().inNamespace("smm-demo");
    Eventually.until(() -> deployments.withName("movies-v3").get() != null && String.valueOf(demoStatus()).contains("Succeeded"),
        Duration.ofSeconds(30), () -> "the demo application is deployed; status " + demoStatus());
    assertThat(deployments.list().getItems()).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("frontpage-v1", "catalog-v1", "movies-v1", "movies-v2", "movies-v3", "database-v1", "bombardier");
    assertThat(client.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
        .withName("movies").get()).as("deployIstioResources").isNotNull();
    assertThat(client.namespaces().withName("smm-demo").get().getMetadata().getLabels())
        .as("the user's namespace is labelled for injection, not taken over").containsEntry("istio.io/rev", "cp-v115x.istio-system")
        .doesNotContainKey("app.kubernetes.io/managed-by");

    GenericKubernetesResource demo = demos.inNamespace("smm-demo").withName("smm-demo").get();
    demo.getAdditionalProperties().put("spec", Map.of("enabled", true, "enabledComponents", List.of("frontpage", "cinema")));
    // The CRD's enum refuses the unknown component at the API server, naming the field, as kube-apiserver does.
    var refused = Assertions.catchThrowableOfType(() -> demos.inNamespace("smm-demo").resource(demo).update(),
        KubernetesClientException.class);
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains("spec.enabledComponents[1]").contains("cinema");
    assertThat(String.valueOf(demoStatus())).contains("Succeeded");
    assertThat(deployments.withName("movies-v3").get()).as("nothing touched").isNotNull();

    demos.inNamespace("smm-demo").withName("smm-demo").delete();
    Eventually.until(() -> deployments.withName("frontpage-v1").get() == null && demos.inNamespace("smm-demo").withName("smm-demo")
        .get() == null, Duration.ofSeconds(30), "the application is removed with its resource");
    assertThat(client.namespaces().withName("smm-demo").get()).as("the user's namespace stays").isNotNull();
  }
}
