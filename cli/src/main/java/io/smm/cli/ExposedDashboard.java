package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import java.net.URI;
import java.util.Optional;

/**
 * Where the dashboard is exposed (seed 2.5.10.1), for `smm dashboard`: https://HOST/ for the first of
 * exposeDashboard.meshGateway.tls.letsEncrypt.dnsNames, else the external gateway's address
 * (IstioMeshGateway smm-ingressgateway-external status.GatewayAddress; https when TLS is on at the
 * gateway or the load balancer). Empty when the dashboard is not exposed.
 */
final class ExposedDashboard {

  static final String GATEWAY = "smm-ingressgateway-external";

  private ExposedDashboard() {}

  static Optional<URI> url(KubernetesClient client, String namespace) {
    try {
      GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
          .withName("smm").get();
      if (cp == null) {
        return Optional.empty();
      }
      GenericKubernetesResource gateway = client.genericKubernetesResources(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(),
          SmmCrds.ISTIO_MESH_GATEWAY.kind()).inNamespace(namespace).withName(GATEWAY).get();
      return url(Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().get("spec")),
          gateway == null ? null : Serialization.jsonMapper().valueToTree(gateway.getAdditionalProperties().get("status")));
    } catch (KubernetesClientException e) {
      return Optional.empty(); // no CRDs or no permission to read them: not exposed as far as we can tell
    }
  }

  static Optional<URI> url(JsonNode spec, JsonNode gatewayStatus) {
    JsonNode gateway = spec == null ? null : spec.at("/smm/exposeDashboard/meshGateway");
    if (gateway == null || !gateway.path("enabled").asBoolean(false)) {
      return Optional.empty();
    }
    boolean https = gateway.at("/tls/enabled").asBoolean(false);
    JsonNode names = gateway.at("/tls/letsEncrypt/dnsNames");
    if (names.isArray() && !names.isEmpty()) {
      return Optional.of(URI.create((https ? "https://" : "http://") + names.get(0).asText() + "/"));
    }
    JsonNode addresses = gatewayStatus == null ? null : gatewayStatus.path("GatewayAddress");
    if (addresses != null && addresses.isArray() && !addresses.isEmpty()) {
      return Optional.of(URI.create((https ? "https://" : "http://") + addresses.get(0).asText() + "/"));
    }
    return Optional.empty();
  }
}
