package io.smm.operator.clusterregistry;

import static io.smm.operator.resources.ServiceAccountKubeconfig.createIfAbsent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.operator.resources.ServiceAccountKubeconfig;
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
      createIfAbsent(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).withLabels(labels)
          .endMetadata().build()).create());
    }
    var clusters = client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster");
    if (clusters.withName(name).get() == null) {
      ObjectNode cluster = Json.object().put("apiVersion", ClusterRegistry.API_VERSION).put("kind", "Cluster");
      ObjectNode meta = cluster.putObject("metadata").put("name", name);
      labels.forEach(meta.putObject("labels")::put);
      ObjectNode spec = cluster.putObject("spec").put("clusterID", clusterId);
      spec.putObject("authInfo").putObject("secretRef").put("name", name).put("namespace", namespace);
      createIfAbsent(() -> clusters.resource(Json.resource(cluster)).create());
    }
    readerRbac(client, namespace, labels);
    String kubeconfig = ServiceAccountKubeconfig.of(client, namespace, ClusterRegistry.READER_SERVICE_ACCOUNT, READER_TOKEN, labels,
        name, apiServer).orElse(null);
    if (kubeconfig == null) {
      return "waiting for the token of service account " + namespace + "/" + ClusterRegistry.READER_SERVICE_ACCOUNT;
    }
    Secret wanted = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withType(ClusterRegistry.SECRET_TYPE)
        .withData(Map.of(ClusterRegistry.KUBECONFIG_KEY, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
        .build();
    Secret current = client.secrets().inNamespace(namespace).withName(name).get();
    if (current == null) {
      createIfAbsent(() -> client.secrets().inNamespace(namespace).resource(wanted).create());
    } else if (!wanted.getData().equals(current.getData()) || !ClusterRegistry.SECRET_TYPE.equals(current.getType())) {
      client.secrets().inNamespace(namespace).resource(wanted).delete();
      createIfAbsent(() -> client.secrets().inNamespace(namespace).resource(wanted).create());
    }
    return "";
  }

  private static void readerRbac(KubernetesClient client, String namespace, Map<String, String> labels) {
    String sa = ClusterRegistry.READER_SERVICE_ACCOUNT;
    if (client.serviceAccounts().inNamespace(namespace).withName(sa).get() == null) {
      createIfAbsent(() -> client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa)
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
      createIfAbsent(resource::create);
    }
  }
}
