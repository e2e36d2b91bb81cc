package io.smm.operator.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.operator.istio.render.MeshContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mesh networks and trusted roots a control plane gets from its peers, as the istio-operator computes them. */
class PeerControlPlanesTest {

  static GenericKubernetesResource plane(String kind, String name, String mode, String network, Map<String, Object> status) {
    return new GenericKubernetesResourceBuilder().withApiVersion("servicemesh.cisco.com/v1alpha1").withKind(kind)
        .withNewMetadata().withName(name).withNamespace("istio-system").endMetadata()
        .addToAdditionalProperties("spec", Map.of("mode", mode, "networkName", network))
        .addToAdditionalProperties("status", status).build();
  }

  @Test
  void eachNetworkListsItsClustersAndGatewaysAndActivePeersRootsAreTrusted() {
    GenericKubernetesResource own = plane("IstioControlPlane", "cp-v115x", "ACTIVE", "network1",
        Map.of("clusterID", "primary", "gatewayAddress", List.of("10.0.0.9", "10.0.0.1"), "caRootCertificate", "OWN"));
    GenericKubernetesResource peer = plane("PeerIstioControlPlane", "cp-v115x-peer", "ACTIVE", "peer",
        Map.of("clusterID", "peer", "istioControlPlaneName", "cp-v115x", "gatewayAddress", List.of("10.1.0.1"), "caRootCertificate", "PEER"));
    GenericKubernetesResource sameNetwork = plane("PeerIstioControlPlane", "cp-v115x-east", "PASSIVE", "network1",
        Map.of("clusterID", "east", "istioControlPlaneName", "cp-v115x", "caRootCertificate", "EAST"));
    GenericKubernetesResource unreconciled = plane("PeerIstioControlPlane", "cp-v115x-new", "ACTIVE", "new",
        Map.of("istioControlPlaneName", "cp-v115x"));

    MeshContext context = PeerControlPlanes.context(own, List.of(peer, sameNetwork, unreconciled));

    JsonNode networks = context.meshNetworks().path("networks");
    assertThat(networks.path("network1")).isEqualTo(Serialization.jsonMapper().valueToTree(Map.of(
        // by name, descending, as the istio-operator sorts them: cp-v115x-east before cp-v115x
        "endpoints", List.of(Map.of("fromRegistry", "east"), Map.of("fromRegistry", "primary")),
        "gateways", List.of(Map.of("address", "10.0.0.1", "port", 15443), Map.of("address", "10.0.0.9", "port", 15443)))));
    assertThat(networks.path("peer")).isEqualTo(Serialization.jsonMapper().valueToTree(Map.of(
        "endpoints", List.of(Map.of("fromRegistry", "peer")), "gateways", List.of(Map.of("address", "10.1.0.1", "port", 15443)))));
    assertThat(networks.has("new")).as("a peer without a cluster ID yet has no registry to name").isFalse();
    assertThat(context.trustedRootCaPems()).as("ACTIVE peers' roots, not its own, not PASSIVE ones'").containsExactly("PEER");
  }
}
