package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A kubeconfig that reads this cluster as one of its service accounts, for another cluster to use
 * (the cluster registry's Cluster secret, istiod's remote secret): the account's token Secret,
 * created on request as Kubernetes 1.24+ wants, and the address peers reach the API server at
 * (k8sutil.GetReaderSecretForCluster of the istio-operator, GetKubeconfigWithSAToken).
 */
public final class ServiceAccountKubeconfig {

  private ServiceAccountKubeconfig() {}

  /**
   * The kubeconfig, or empty while the token controller has not filled the token yet.
   *
   * @param tokenSecret the name of the account's token Secret, created when missing with {@code labels}
   * @param server the address the reader reaches this cluster's API server at
   */
  public static Optional<String> of(KubernetesClient client, String namespace, String serviceAccount, String tokenSecret,
      Map<String, String> labels, String clusterName, String server) {
    Secret token = client.secrets().inNamespace(namespace).withName(tokenSecret).get();
    if (token == null) {
      createIfAbsent(() -> client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(tokenSecret)
          .withLabels(labels).addToAnnotations("kubernetes.io/service-account.name", serviceAccount).endMetadata()
          .withType("kubernetes.io/service-account-token").build()).create());
      token = client.secrets().inNamespace(namespace).withName(tokenSecret).get();
    }
    String bearer = token == null || token.getData() == null ? null : token.getData().get("token");
    if (bearer == null) {
      return Optional.empty();
    }
    // The token controller hands out the cluster's CA; without it, the reader trusts the API server as
    // this process does (its own configuration's CA, or, when it skips verification, the same).
    String ca = token.getData().getOrDefault("ca.crt", "");
    var own = client.getConfiguration();
    if (ca.isEmpty() && own.getCaCertData() != null) {
      ca = own.getCaCertData();
    }
    boolean insecure = ca.isEmpty() && Boolean.TRUE.equals(own.isTrustCerts());
    // One spelling of the address, or two writers would rewrite each other's secret.
    return Optional.of(kubeconfig(clusterName, server.replaceAll("/+$", ""), ca, insecure, serviceAccount,
        new String(Base64.getDecoder().decode(bearer), StandardCharsets.UTF_8)));
  }

  /** A create that another writer may have done first (409 AlreadyExists is fine). */
  public static void createIfAbsent(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static String kubeconfig(String cluster, String server, String caBase64, boolean insecure, String user, String token) {
    String caLine = !caBase64.isEmpty() ? "    certificate-authority-data: " + caBase64 + "\n"
        : insecure ? "    insecure-skip-tls-verify: true\n" : "";
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: " + cluster + "\n  cluster:\n    server: " + server + "\n" + caLine
        + "contexts:\n- name: " + cluster + "\n  context:\n    cluster: " + cluster + "\n    user: " + user
        + "\ncurrent-context: " + cluster + "\nusers:\n- name: " + user + "\n  user:\n    token: " + token + "\n";
  }
}
