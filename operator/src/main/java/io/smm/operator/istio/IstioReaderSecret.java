package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.IstioRevision;
import io.smm.operator.resources.OwnershipLabels;
import io.smm.operator.resources.ServiceAccountKubeconfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The istio-operator's reconcileClusterReaderSecret: a Secret of type
 * {@code k8s.cisco.com/istio-reader-secret} named after the control plane's cluster ID
 * ({@code <cluster>-<revision>}), whose one key, the cluster ID, holds a kubeconfig of the
 * revision's istio-reader service account. The istio-multi-cluster-secret-sink rule copies it to
 * every cluster with an ACTIVE control plane of the revision, labelled {@code istio/multiCluster},
 * where istiod reads this cluster's services and endpoints with it (Istio's remote secret).
 */
final class IstioReaderSecret {

  static final String TYPE = "k8s.cisco.com/istio-reader-secret";
  private static final String READER = "istio-reader";

  private IstioReaderSecret() {}

  /** The Secret as it should be, or empty while the reader's token is not issued yet (or the control plane has no cluster ID). */
  static Optional<Secret> desired(KubernetesClient client, GenericKubernetesResource icp) {
    String clusterId = IstioRendering.spec(icp).path("clusterID").asText("");
    if (clusterId.isEmpty()) {
      return Optional.empty();
    }
    IstioRevision revision = IstioRendering.revision(icp);
    String namespace = icp.getMetadata().getNamespace();
    Map<String, String> labels = Map.of("istio.io/rev", revision.label());
    // The token Secret is ours as well (removed with the reader secret).
    Map<String, String> tokenLabels = Map.of("istio.io/rev", revision.label(), OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
    return ServiceAccountKubeconfig.of(client, namespace, revision.withRevision(READER), tokenName(icp), tokenLabels, clusterId,
            apiServer(client))
        .map(kubeconfig -> new SecretBuilder().withNewMetadata().withName(name(icp)).withNamespace(namespace).withLabels(labels)
            .endMetadata().withType(TYPE)
            .withData(Map.of(clusterId, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))).build());
  }

  /** The reader secret and the reader's token, by identity alone, to remove them. */
  static List<Secret> named(GenericKubernetesResource icp) {
    String namespace = icp.getMetadata().getNamespace();
    return List.of(new SecretBuilder().withNewMetadata().withName(name(icp)).withNamespace(namespace).endMetadata().build(),
        new SecretBuilder().withNewMetadata().withName(tokenName(icp)).withNamespace(namespace).endMetadata().build());
  }

  private static String tokenName(GenericKubernetesResource icp) {
    return IstioRendering.revision(icp).withRevision(READER) + "-token";
  }

  private static String name(GenericKubernetesResource icp) {
    String clusterId = IstioRendering.spec(icp).path("clusterID").asText("");
    return IstioRendering.revision(icp).withRevision(clusterId.isEmpty() ? "kubernetes" : clusterId.toLowerCase(Locale.ROOT));
  }

  /**
   * Where peers reach this API server: the local Cluster's kubernetesApiEndpoints entry without a
   * network when it has one (as GetReaderSecretForCluster with the cluster registry's API on),
   * else the address this operator uses.
   */
  private static String apiServer(KubernetesClient client) {
    try {
      for (GenericKubernetesResource c : client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").list().getItems()) {
        JsonNode cluster = Serialization.jsonMapper().valueToTree(c);
        if (!"Local".equals(cluster.at("/status/type").asText())) {
          continue;
        }
        for (JsonNode e : cluster.at("/spec/kubernetesApiEndpoints")) {
          if (e.path("clientNetwork").asText("").isEmpty() && !e.path("serverAddress").asText("").isEmpty()) {
            return e.path("serverAddress").asText();
          }
        }
      }
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // no cluster registry kinds here: the operator's own address
    }
    return client.getMasterUrl().toString();
  }
}
