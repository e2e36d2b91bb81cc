package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Provisions this cluster's own Cluster object and the credentials peers read it with
 * (provision_local_cluster.go and GetReaderSecretForCluster): a reader ServiceAccount whose
 * ClusterRole aggregates every ClusterRole labelled reader-aggregated (the base one reads
 * namespaces, nodes, secrets and the registry's kinds), its token, and the Cluster's Secret with a
 * kubeconfig for it. Exchanging the Cluster and its Secret with a peer (seed 2.3.3 step 14) forms the group.
 */
final class LocalCluster {

  static final String READER_TOKEN = ClusterRegistry.READER_SERVICE_ACCOUNT + "-token";

  private LocalCluster() {}

  /**
   * @param apiServer the address peers reach this cluster's API server at
   * @return why the Cluster's secret is not written yet, or "" when it is
   */
  static String ensure(KubernetesClient client, String name, String clusterId, String namespace, String apiServer) {
    return ensure(client, name, clusterId, namespace, apiServer, Map.of());
  }

  /** ... labelling what it creates with {@code labels} (who made it, to remove exactly that later). */
  static String ensure(KubernetesClient client, String name, String clusterId, String namespace, String apiServer,
      Map<String, String> labels) {
    // The controller and `smm istio cluster attach` may both provision at once: whoever creates first wins, the other reads it.
    if (client.namespaces().withName(namespace).get() == null) {
      created(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).withLabels(labels)
          .endMetadata().build()).create());
    }
    var clusters = client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster");
    if (clusters.withName(name).get() == null) {
      ObjectNode cluster = Json.object().put("apiVersion", ClusterRegistry.API_VERSION).put("kind", "Cluster");
      ObjectNode meta = cluster.putObject("metadata").put("name", name);
      labels.forEach(meta.putObject("labels")::put);
      ObjectNode spec = cluster.putObject("spec").put("clusterID", clusterId);
      spec.putObject("authInfo").putObject("secretRef").put("name", name).put("namespace", namespace);
      created(() -> clusters.resource(Json.resource(cluster)).create());
    }
    readerRbac(client, namespace, labels);
    Secret token = client.secrets().inNamespace(namespace).withName(READER_TOKEN).get();
    if (token == null) {
      // Since Kubernetes 1.24 a service account's token Secret is made on request; the token controller fills it.
      created(() -> client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(READER_TOKEN).withLabels(labels)
          .addToAnnotations("kubernetes.io/service-account.name", ClusterRegistry.READER_SERVICE_ACCOUNT).endMetadata()
          .withType("kubernetes.io/service-account-token").build()).create());
      token = client.secrets().inNamespace(namespace).withName(READER_TOKEN).get();
    }
    String bearer = token.getData() == null ? null : token.getData().get("token");
    if (bearer == null) {
      return "waiting for the token of service account " + namespace + "/" + ClusterRegistry.READER_SERVICE_ACCOUNT;
    }
    // The token controller hands out the cluster's CA; without it, peers trust the API server as this
    // process does (its own configuration's CA, or, when it skips verification, the same).
    String ca = token.getData().getOrDefault("ca.crt", "");
    var own = client.getConfiguration();
    if (ca.isEmpty() && own.getCaCertData() != null) {
      ca = own.getCaCertData();
    }
    boolean insecure = ca.isEmpty() && Boolean.TRUE.equals(own.isTrustCerts());
    // One spelling of the address, or two provisioners would rewrite each other's secret.
    String kubeconfig = kubeconfig(name, apiServer.replaceAll("/+$", ""), ca, insecure, new String(Base64.getDecoder().decode(bearer), StandardCharsets.UTF_8));
    Secret wanted = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withType(ClusterRegistry.SECRET_TYPE)
        .withData(Map.of(ClusterRegistry.KUBECONFIG_KEY, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
        .build();
    Secret current = client.secrets().inNamespace(namespace).withName(name).get();
    if (current == null) {
      created(() -> client.secrets().inNamespace(namespace).resource(wanted).create());
    } else if (!wanted.getData().equals(current.getData()) || !ClusterRegistry.SECRET_TYPE.equals(current.getType())) {
      client.secrets().inNamespace(namespace).resource(wanted).delete();
      created(() -> client.secrets().inNamespace(namespace).resource(wanted).create());
    }
    return "";
  }

  private static void readerRbac(KubernetesClient client, String namespace, Map<String, String> labels) {
    String sa = ClusterRegistry.READER_SERVICE_ACCOUNT;
    if (client.serviceAccounts().inNamespace(namespace).withName(sa).get() == null) {
      created(() -> client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa)
          .withLabels(labels).endMetadata().build()).create());
    }
    // Created when missing; a user may add rules to them (the manual's RBAC considerations), so they are not put back.
    createIfMissing(client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(sa + "-core")
        .withLabels(labels).addToLabels(ClusterRegistry.READER_AGGREGATED_LABEL, "true").endMetadata()
        .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("namespaces", "nodes", "secrets")
            .withVerbs("get", "list", "watch").build())
        .addToRules(new PolicyRuleBuilder().withApiGroups("clusterregistry.k8s.cisco.com").withResources("*")
            .withVerbs("get", "list", "watch").build())
        .build()));
    createIfMissing(client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(sa).withLabels(labels)
        .endMetadata()
        .withNewAggregationRule().addNewClusterRoleSelector().addToMatchLabels(ClusterRegistry.READER_AGGREGATED_LABEL, "true")
        .endClusterRoleSelector().endAggregationRule().build()));
    createIfMissing(client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(sa)
        .withLabels(labels).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(sa).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(sa).withNamespace(namespace).endSubject().build()));
  }

  private static void createIfMissing(Resource<?> resource) {
    if (resource.get() == null) {
      created(resource::create);
    }
  }

  /** A create that another provisioner may have done first (409 AlreadyExists is fine). */
  private static void created(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static String kubeconfig(String cluster, String server, String caBase64, boolean insecure, String token) {
    String caLine = !caBase64.isEmpty() ? "    certificate-authority-data: " + caBase64 + "\n"
        : insecure ? "    insecure-skip-tls-verify: true\n" : "";
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: " + cluster + "\n  cluster:\n    server: " + server + "\n" + caLine
        + "contexts:\n- name: " + cluster + "\n  context:\n    cluster: " + cluster + "\n    user: " + ClusterRegistry.READER_SERVICE_ACCOUNT
        + "\ncurrent-context: " + cluster + "\nusers:\n- name: " + ClusterRegistry.READER_SERVICE_ACCOUNT + "\n  user:\n    token: " + token
        + "\n";
  }
}
