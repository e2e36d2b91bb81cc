package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.components.CrdsComponent;
import io.smm.operator.mode.SmmOperator;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.InProcessCluster;
import java.time.Duration;
import java.util.Map;
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
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
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

    setSpec(Map.of("clusterName", "operated", "smm", Map.of("tracing", Map.of("enabeld", true))));
    Eventually.until(() -> "Failed".equals(cpStatus()), Duration.ofSeconds(10), "the invalid spec is reported");
    assertThat(String.valueOf(cp().getAdditionalProperties().get("status"))).contains(".spec.smm.tracing.enabeld: unknown field");
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
}
