package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A peer cluster the controller reads from (pkg/clusters/cluster.go): a client made from the
 * kubeconfig its Cluster's secret holds, whether it answers as the cluster its Cluster names, and the
 * ClusterFeatures it offers. The controller never writes to it.
 */
final class PeerCluster implements AutoCloseable {

  /** What a check found: alive with its features, or why not. */
  record Health(boolean alive, String reason, List<JsonNode> features) {}

  private final String name;
  private final String clusterId;
  private final String kubeconfig;
  private final KubernetesClient client;

  private PeerCluster(String name, String clusterId, String kubeconfig, KubernetesClient client) {
    this.name = name;
    this.clusterId = clusterId;
    this.kubeconfig = kubeconfig;
    this.client = client;
  }

  /**
   * @param endpoint the API server address for this controller's network from the Cluster's
   *     kubernetesApiEndpoints, or null to use the kubeconfig's
   */
  static PeerCluster connect(String name, String clusterId, String kubeconfig, JsonNode endpoint) {
    Config config = Config.fromKubeconfig(kubeconfig);
    if (endpoint != null && !endpoint.path("serverAddress").asText("").isEmpty()) {
      String address = endpoint.path("serverAddress").asText();
      config.setMasterUrl(address.contains("://") ? address : "https://" + address);
      if (!endpoint.path("caBundle").asText("").isEmpty()) {
        config.setCaCertData(endpoint.path("caBundle").asText());
      }
    }
    // A peer that does not answer must not hold the controller's loop for long.
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(10_000);
    config.setRequestRetryBackoffLimit(0);
    return new PeerCluster(name, clusterId, kubeconfig, new KubernetesClientBuilder().withConfig(config).build());
  }

  String name() {
    return name;
  }

  String clusterId() {
    return clusterId;
  }

  KubernetesClient client() {
    return client;
  }

  /** Whether this client was made from these credentials (a changed secret needs a new one). */
  boolean madeFrom(String clusterId, String kubeconfig) {
    return this.clusterId.equals(clusterId) && this.kubeconfig.equals(kubeconfig);
  }

  /** Reads the peer's kube-system namespace (its UID is the cluster ID) and its ClusterFeatures. */
  Health check() {
    try {
      Namespace kubeSystem = client.namespaces().withName("kube-system").get();
      if (kubeSystem == null) {
        return new Health(false, "the cluster has no kube-system namespace", List.of());
      }
      if (!clusterId.equals(kubeSystem.getMetadata().getUid())) {
        return new Health(false, "the kubeconfig reaches cluster " + kubeSystem.getMetadata().getUid() + ", not " + clusterId, List.of());
      }
      List<JsonNode> features = new ArrayList<>();
      client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ClusterFeature").list().getItems()
          .forEach(f -> features.add(Json.tree(f)));
      return new Health(true, "", features);
    } catch (KubernetesClientException e) {
      return new Health(false, reason(e), List.of());
    }
  }

  /** Why a cluster's API server did not answer a request, as a user can act on it (attach says it the same way). */
  static String reason(KubernetesClientException e) {
    if (e.getCode() == 401) {
      return "unauthorized: the kubeconfig's credentials are not accepted";
    }
    if (e.getCode() == 403) {
      return "forbidden: " + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage());
    }
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return "unreachable: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  /** The kubeconfig a Cluster secret holds, or null with no such key. */
  static String kubeconfigOf(JsonNode secret) {
    String data = secret.at("/data/" + ClusterRegistry.KUBECONFIG_KEY).asText("");
    return data.isEmpty() ? null : new String(Base64.getDecoder().decode(data), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}
