package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.MeshContext;
import io.smm.operator.resources.CustomKinds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the istio-operator gathers from the PeerIstioControlPlanes (the cluster registry's copies of
 * other clusters' control planes of the same name) for one IstioControlPlane: the mesh networks
 * (each control plane's network lists its cluster as an endpoint registry and its meshexpansion
 * gateway addresses on 15443 — istiod sends cross-network traffic there) and the CA roots of the
 * ACTIVE peers (appended to caCertificates so their workloads are trusted). The istio-operator's
 * getMeshNetworks and getCACertificatesFromPeers, in their order (control planes by name, descending).
 */
public final class PeerControlPlanes {

  /** The east-west gateways' port for cross-network mTLS (AUTO_PASSTHROUGH), as the istio-operator writes it. */
  static final int NETWORK_GATEWAY_PORT = 15443;

  private PeerControlPlanes() {}

  /**
   * The ICP's mesh context. Without peers it is a single cluster's (no mesh networks): the
   * istio-operator would still list the cluster's own network, but nothing crosses a network
   * then, and the mesh config stays as a single-cluster install writes it.
   */
  public static MeshContext context(KubernetesClient client, GenericKubernetesResource icp) {
    List<GenericKubernetesResource> peers = peers(client, icp);
    return peers.isEmpty() ? MeshContext.singleCluster() : context(icp, peers);
  }

  static MeshContext context(GenericKubernetesResource icp, List<GenericKubernetesResource> peers) {
    List<GenericKubernetesResource> planes = new ArrayList<>(peers);
    planes.add(icp);
    planes.sort(Comparator.comparing((GenericKubernetesResource p) -> p.getMetadata().getName()).reversed());
    Map<String, ObjectNode> networks = new TreeMap<>();
    for (GenericKubernetesResource plane : planes) {
      JsonNode spec = IstioRendering.spec(plane);
      JsonNode status = IstioRendering.status(plane);
      String clusterId = status.path("clusterID").asText(spec.path("clusterID").asText(""));
      if (clusterId.isEmpty()) {
        continue; // not reconciled yet: its registry is unknown
      }
      ObjectNode network = networks.computeIfAbsent(spec.path("networkName").asText(""), n -> {
        ObjectNode created = JsonNodeFactory.instance.objectNode();
        created.putArray("endpoints");
        created.putArray("gateways");
        return created;
      });
      ((ArrayNode) network.get("endpoints")).addObject().put("fromRegistry", clusterId);
      List<String> addresses = new ArrayList<>();
      status.path("gatewayAddress").forEach(a -> addresses.add(a.asText()));
      addresses.stream().sorted().forEach(a -> ((ArrayNode) network.get("gateways")).addObject().put("address", a)
          .put("port", NETWORK_GATEWAY_PORT));
    }
    ObjectNode meshNetworks = JsonNodeFactory.instance.objectNode();
    ObjectNode byName = meshNetworks.putObject("networks");
    networks.forEach(byName::set);
    List<String> roots = new ArrayList<>();
    for (GenericKubernetesResource peer : planes) {
      String root = IstioRendering.status(peer).path("caRootCertificate").asText("");
      if (peer != icp && "ACTIVE".equals(IstioRendering.spec(peer).path("mode").asText("ACTIVE")) && !root.isEmpty()) {
        roots.add(root);
      }
    }
    return new MeshContext(MissingNode.getInstance(), meshNetworks, roots);
  }

  /**
   * The meshexpansion gateway IP addresses of the ACTIVE control planes that the cluster registry
   * copied here for IstioControlPlane {@code namespace/name} (the other clusters' control planes of
   * that name), sorted; empty before the group formed. What a passive cluster's proxies reach the
   * active cluster through, as Endpoints, which hold IP addresses only: a gateway known by a DNS name
   * alone (a cloud load balancer's) is left out.
   */
  public static List<String> activeGatewayAddresses(KubernetesClient client, String namespace, String name) {
    if (!CustomKinds.installed(client, SmmCrds.PEER_ISTIO_CONTROL_PLANE)) {
      return List.of();
    }
    return client.genericKubernetesResources(SmmCrds.PEER_ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.PEER_ISTIO_CONTROL_PLANE.kind())
        .inNamespace(namespace).list().getItems().stream()
        .filter(p -> name.equals(IstioRendering.status(p).path("istioControlPlaneName").asText())
            && "ACTIVE".equals(IstioRendering.spec(p).path("mode").asText("ACTIVE")))
        .flatMap(p -> {
          List<String> addresses = new ArrayList<>();
          IstioRendering.status(p).path("gatewayAddress").forEach(a -> addresses.add(a.asText()));
          return addresses.stream();
        }).filter(PeerControlPlanes::isIp).distinct().sorted().toList();
  }

  private static boolean isIp(String address) {
    return address.matches("\\d{1,3}(\\.\\d{1,3}){3}") || address.contains(":");
  }

  /** The PeerIstioControlPlanes in the ICP's namespace whose original has the ICP's name. */
  public static List<GenericKubernetesResource> peers(KubernetesClient client, GenericKubernetesResource icp) {
    if (!CustomKinds.installed(client, SmmCrds.PEER_ISTIO_CONTROL_PLANE)) {
      return List.of();
    }
    return client.genericKubernetesResources(SmmCrds.PEER_ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.PEER_ISTIO_CONTROL_PLANE.kind())
        .inNamespace(icp.getMetadata().getNamespace()).list().getItems().stream()
        .filter(p -> icp.getMetadata().getName().equals(IstioRendering.status(p).path("istioControlPlaneName").asText()))
        .toList();
  }
}
