package io.smm.backend.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.IstioFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workloads as the topology and the Workloads page see them: controllers, gateways and VMs. */
class ClusterQueriesTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  ClusterQueries queries;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    queries = new ClusterQueries(client, "c1");
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  void deployment(String name, Map<String, String> labels) {
    client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().endTemplate().endSpec().build()).create();
  }

  void workloadEntry(String name, String group) {
    var entry = new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("WorkloadEntry")
        .withNewMetadata().withName(name).withNamespace("shop").endMetadata().build();
    if (group != null) {
      entry.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
          .withApiVersion("networking.istio.io/v1beta1").withKind("WorkloadGroup").withName(group).withUid("uid-" + group).build()));
    }
    entry.setAdditionalProperty("spec", Map.of("address", "10.0.0.1", "labels", Map.of("app", group == null ? name : group,
        "version", "v1")));
    client.genericKubernetesResources(ClusterQueries.WORKLOAD_ENTRY).inNamespace("shop").resource(entry).create();
  }

  @Test
  void withoutIstiosCrdsThereAreNoVmsAndNoError() {
    deployment("catalog-v1", Map.of("app", "catalog"));
    assertThat(queries.workloads(List.of("shop"))).extracting(WorkloadInfo::name).containsExactly("catalog-v1");
  }

  @Test
  void gatewaysAreToldByTheirLabelsAndVmsAreWorkloadEntriesGroupedByTheirWorkloadGroup() {
    IstioFixtures.istioCrds(client);
    deployment("catalog-v1", Map.of("app", "catalog"));
    deployment("smm-ingressgateway", Map.of("gateway-name", "smm-ingressgateway", "gateway-type", "ingress"));
    deployment("istio-egressgateway", Map.of("istio", "egressgateway"));
    workloadEntry("legacy-db", null);
    workloadEntry("billing-10-0-0-7", "billing");
    workloadEntry("billing-10-0-0-8", "billing");

    List<WorkloadInfo> all = queries.workloads(List.of("shop"));
    assertThat(all).extracting(WorkloadInfo::name, WorkloadInfo::kind, WorkloadInfo::replicas, WorkloadInfo::gateway, WorkloadInfo::vm)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("billing", "WorkloadGroup", 2, false, true),
            org.assertj.core.groups.Tuple.tuple("catalog-v1", "Deployment", 1, false, false),
            org.assertj.core.groups.Tuple.tuple("istio-egressgateway", "Deployment", 1, true, false),
            org.assertj.core.groups.Tuple.tuple("legacy-db", "WorkloadEntry", 1, false, true),
            org.assertj.core.groups.Tuple.tuple("smm-ingressgateway", "Deployment", 1, true, false));
    assertThat(all.get(0).app()).isEqualTo("billing");
  }
}
