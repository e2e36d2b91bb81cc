package io.smm.backend.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.IstioFixtures;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
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
    client.apps().deployments().inNamespace("shop").resource(DemoWorkloads.minimalDeployment(name, labels)).create();
  }

  void workloadEntry(String name, String group) {
    var entry = new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("WorkloadEntry")
        .withNewMetadata().withName(name).withNamespace("shop").endMetadata().build();
    if (group != null) {
      entry.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
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
            Tuple.tuple("billing", "WorkloadGroup", 2, false, true),
            Tuple.tuple("catalog-v1", "Deployment", 1, false, false),
            Tuple.tuple("istio-egressgateway", "Deployment", 1, true, false),
            Tuple.tuple("legacy-db", "WorkloadEntry", 1, false, true),
            Tuple.tuple("smm-ingressgateway", "Deployment", 1, true, false));
    assertThat(all.get(0).app()).isEqualTo("billing");
  }

  void event(String kind, String name, String reason, String lastSeen) {
    client.v1().events().inNamespace("shop").resource(new EventBuilder()
        .withNewMetadata().withName(name + "." + reason.toLowerCase()).withNamespace("shop").endMetadata()
        .withNewInvolvedObject().withKind(kind).withName(name).withNamespace("shop").endInvolvedObject()
        .withType(reason.equals("BackOff") ? "Warning" : "Normal").withReason(reason).withMessage(reason + " " + name)
        .withNewSource().withComponent("kubelet").endSource().withCount(reason.equals("BackOff") ? 4 : 1)
        .withFirstTimestamp("2026-11-25T10:00:00Z").withLastTimestamp(lastSeen).build()).create();
  }

  @Test
  void aWorkloadsEventsAreItsOwnItsReplicaSetsAndItsPodsNewestFirst() {
    event("Deployment", "catalog-v1", "ScalingReplicaSet", "2026-11-25T10:00:00Z");
    event("ReplicaSet", "catalog-v1-7d9f8c6b5", "SuccessfulCreate", "2026-11-25T10:00:01Z");
    event("Pod", "catalog-v1-7d9f8c6b5-x2x4z", "Scheduled", "2026-11-25T10:00:02Z");
    event("Pod", "catalog-v1-7d9f8c6b5-x2x4z", "BackOff", "2026-11-25T10:05:00Z");
    event("Deployment", "catalog-v1-canary", "ScalingReplicaSet", "2026-11-25T10:06:00Z");
    event("Pod", "catalog-v1-canary-6d8f7c9b-abcde", "Scheduled", "2026-11-25T10:06:01Z");

    assertThat(queries.events("shop", "catalog-v1", null, 100)).extracting(EventInfo::reason, EventInfo::objectName).containsExactly(
        Tuple.tuple("BackOff", "catalog-v1-7d9f8c6b5-x2x4z"),
        Tuple.tuple("Scheduled", "catalog-v1-7d9f8c6b5-x2x4z"),
        Tuple.tuple("SuccessfulCreate", "catalog-v1-7d9f8c6b5"),
        Tuple.tuple("ScalingReplicaSet", "catalog-v1"));
    EventInfo backOff = queries.events("shop", null, "catalog-v1-7d9f8c6b5-x2x4z", 1).get(0);
    assertThat(backOff).extracting(EventInfo::type, EventInfo::count, EventInfo::source, EventInfo::firstSeen)
        .containsExactly("Warning", 4, "kubelet", "2026-11-25T10:00:00Z");
    assertThat(queries.events("shop", null, null, 100)).hasSize(6);
    assertThat(queries.events("elsewhere", null, null, 100)).isEmpty();
  }

  void registered(String name, String type, String state, String message, String network) {
    if (client.apiextensions().v1().customResourceDefinitions().withName(io.smm.api.crd.SmmCrds.CLUSTER.crdName()).get() == null) {
      client.apiextensions().v1().customResourceDefinitions().resource(io.smm.api.crd.SmmCrds.crd(io.smm.api.crd.SmmCrds.CLUSTER)).create();
    }
    Map<String, Object> spec = Map.of("clusterID", "id-" + name);
    Map<String, Object> status = new java.util.HashMap<>(Map.of("type", type, "state", state));
    if (message != null) {
      status.put("message", message);
    }
    var clusters = client.genericKubernetesResources(ClusterQueries.REGISTRY_CLUSTER);
    var created = clusters.resource(new GenericKubernetesResourceBuilder().withApiVersion("clusterregistry.k8s.cisco.com/v1alpha1")
        .withKind("Cluster").withNewMetadata().withName(name).endMetadata().addToAdditionalProperties("spec", spec).build()).create();
    created.setAdditionalProperty("status", status);
    clusters.resource(created).updateStatus();
    if (network != null) {
      // The cluster's Istio network: its control plane's networkName; a peer's, from the copy the registry made of it.
      boolean local = type.equals("Local");
      for (var kind : List.of(io.smm.api.crd.SmmCrds.ISTIO_CONTROL_PLANE, io.smm.api.crd.SmmCrds.PEER_ISTIO_CONTROL_PLANE)) {
        if (client.apiextensions().v1().customResourceDefinitions().withName(kind.crdName()).get() == null) {
          client.apiextensions().v1().customResourceDefinitions().resource(io.smm.api.crd.SmmCrds.crd(kind)).create();
        }
      }
      if (client.namespaces().withName("istio-system").get() == null) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("istio-system").endMetadata().build()).create();
      }
      var kind = local ? io.smm.api.crd.SmmCrds.ISTIO_CONTROL_PLANE : io.smm.api.crd.SmmCrds.PEER_ISTIO_CONTROL_PLANE;
      var cp = new GenericKubernetesResourceBuilder().withApiVersion(kind.apiVersion()).withKind(kind.kind()).withNewMetadata()
          .withName(local ? "cp-v115x" : "cp-v115x-" + name).withNamespace("istio-system").endMetadata()
          .addToAdditionalProperties("spec", Map.of("version", "1.15.3", "mode", "ACTIVE", "networkName", network)).build();
      if (!local) {
        cp.getMetadata().setLabels(Map.of(io.smm.api.clusterregistry.ClusterRegistry.OWNER_CLUSTER_ID, "id-" + name));
      }
      client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace("istio-system").resource(cp).create();
    }
  }

  @Test
  void withoutTheClusterRegistryTheMeshIsThisClusterAndAnyTheTelemetryNames() {
    assertThat(queries.clusters()).extracting(ClusterInfo::name, ClusterInfo::local, ClusterInfo::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", true, "Available"));
    assertThat(queries.meshMembership()).isEmpty();
  }

  @Test
  void theRegistrysPeersAreListedWithNetworkAndStatusAndAreTheMeshsOnlyOtherClusters() {
    registered("c1", "Local", "Ready", null, "net-1");
    registered("east", "Peer", "Ready", null, "net-1");
    registered("west", "Peer", "Failed", "cluster peer: unreachable: connection refused", null);
    assertThat(queries.clusters()).extracting(ClusterInfo::name, ClusterInfo::local, ClusterInfo::network, ClusterInfo::status,
        ClusterInfo::message, ClusterInfo::kubernetesVersion).containsExactly(
        org.assertj.core.groups.Tuple.tuple("c1", true, "net-1", "Available", null, client.getKubernetesVersion().getGitVersion()),
        org.assertj.core.groups.Tuple.tuple("east", false, "net-1", "Available", null, null),
        org.assertj.core.groups.Tuple.tuple("west", false, null, "Failed", "cluster peer: unreachable: connection refused", null));
    assertThat(queries.meshMembership()).contains(new ClusterQueries.MeshMembership(java.util.Set.of("c1", "east", "west"),
        java.util.Set.of("west")));

    // Detached: the peer's Cluster is gone, and with it the peer from the mesh.
    client.genericKubernetesResources(ClusterQueries.REGISTRY_CLUSTER).withName("west").delete();
    assertThat(queries.clusters()).extracting(ClusterInfo::name).containsExactly("c1", "east");
    assertThat(queries.meshMembership()).contains(new ClusterQueries.MeshMembership(java.util.Set.of("c1", "east"), java.util.Set.of()));
  }
}
