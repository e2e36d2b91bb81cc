package io.smm.sandbox.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * istiod's side for the proxies of remote clusters (Istio's primary-remote model: a PASSIVE control
 * plane's proxies connect to this istiod through its cluster's meshexpansion gateway on 15012).
 * Two requests, one JSON line each on the connection 15012 leads to:
 * <ul>
 *   <li>{@code discovery}: what istiod pushes them, as the sandbox's proxies read it — the API of
 *   the configuration cluster (this one: its Istio configuration and mesh ConfigMaps, its Services
 *   and pods, and its remote secrets, through which it knows the other clusters' endpoints), as a
 *   kubeconfig, and this cluster's ID;</li>
 *   <li>{@code csr}: a workload certificate from this istiod's CA for the key of the request.</li>
 * </ul>
 * Not simulated: xDS itself (the view is handed over, not pushed resource by resource), and the
 * authentication of the requests (istiod checks a remote proxy's service account token against its
 * cluster's API through the remote secret; here any caller that reaches 15012 is answered).
 */
final class RemoteProxies {

  private final KubernetesClient client;
  private final MeshCa ca;
  private final Supplier<String> kubeconfig;

  /** @param kubeconfig how this cluster's API is reached, for the remote clusters' proxies to read what istiod reads */
  RemoteProxies(KubernetesClient client, MeshCa ca, Supplier<String> kubeconfig) {
    this.client = client;
    this.ca = ca;
    this.kubeconfig = kubeconfig;
  }

  /** Whether the message is a request of a remote cluster's proxy (not a VM's registration). */
  static boolean handles(JsonNode request) {
    return request.path("type").isTextual();
  }

  /** The answer to a request; {@code error} says what was wrong with it. */
  Map<String, String> answer(JsonNode request) {
    Map<String, String> answer = new LinkedHashMap<>();
    switch (request.path("type").asText()) {
      case "discovery" -> {
        String revision = request.path("revision").asText("");
        String clusterId = ControlPlaneIds.clusterId(client, revision);
        if (clusterId == null) {
          answer.put("error", "no control plane of revision " + revision + " here");
        } else {
          answer.put("cluster", clusterId);
          answer.put("kubeconfig", kubeconfig.get());
          answer.put("rootCert", ca.rootPem());
        }
      }
      case "csr" -> {
        try {
          answer.put("certificateChain", MeshCa.pem(ca.sign(request.path("csr").asText(""), request.path("namespace").asText(""),
              request.path("serviceAccount").asText(""))));
          answer.put("rootCert", ca.rootPem());
        } catch (IllegalArgumentException e) {
          answer.put("error", e.getMessage());
        }
      }
      default -> answer.put("error", "unknown request " + request.path("type").asText());
    }
    return answer;
  }
}
