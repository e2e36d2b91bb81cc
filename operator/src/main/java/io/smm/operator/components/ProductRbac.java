package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide permissions each of the product's workloads needs, bound to its ServiceAccount:
 * a ClusterRole named after the workload ({@code <app>-<namespace>}, as cluster-scoped names must
 * not collide between installs) and its binding.
 */
final class ProductRbac {

  private ProductRbac() {}

  private static final String CONTROLLER_AGGREGATED = "cluster-registry.k8s.cisco.com/controller-aggregated";

  /**
   * The backend reads the mesh (topology, health, validation inputs), checks who a session is
   * (TokenReview, SubjectAccessReview) and acts as that user (impersonation), so that RBAC decides
   * what each user sees and writes.
   */
  static final ServiceComponent.Beside SERVER = (app, namespace, config) -> {
    List<HasMetadata> out = new ArrayList<>(bound(app, namespace, List.of(
        rule(List.of("*"), List.of("*"), "get", "list", "watch"),
        rule(List.of(""), List.of("users", "groups", "serviceaccounts"), "impersonate"),
        rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), "create"),
        rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews", "selfsubjectaccessreviews"), "create"),
        rule(List.of(""), List.of("pods/proxy", "pods/log"), "get"))));
    // Its own state, in its own namespace only: the session signing key (Secret smm-authentication,
    // made on first start) and the logged-out sessions every replica must see (ConfigMap).
    String name = app + "-state";
    out.add(new RoleBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withRules(rule(List.of(""), List.of("secrets", "configmaps"), "create", "update", "patch")).build());
    out.add(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(app).withNamespace(namespace).endSubject().build());
    return out;
  };

  /**
   * `smm operator` installs and reconciles everything the ControlPlane describes, including
   * istiod's own RBAC; Kubernetes only lets it grant what it holds, so it holds every verb.
   */
  static final ServiceComponent.Beside OPERATOR = (app, namespace, config) -> bound(app, namespace, List.of(
      rule(List.of("*"), List.of("*"), "*")));

  /**
   * The cluster registry controller reads everything (peers read it through its reader account, it
   * reads them) and writes what it copies. Its ClusterRole aggregates every ClusterRole labelled
   * {@code cluster-registry.k8s.cisco.com/controller-aggregated} (the manual's RBAC considerations):
   * the base one here for its own kinds, Secrets, its reader account and Events; the istio-operator's
   * rendering adds the Istio kinds its rules sync; users add others the same way.
   */
  static final ServiceComponent.Beside CLUSTER_REGISTRY = (app, namespace, config) -> {
    String name = app + "-" + namespace;
    return List.of(
        new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withNewAggregationRule().addNewClusterRoleSelector()
            .addToMatchLabels(CONTROLLER_AGGREGATED, "true").endClusterRoleSelector().endAggregationRule().build(),
        new ClusterRoleBuilder().withNewMetadata().withName(name + "-base").addToLabels(CONTROLLER_AGGREGATED, "true").endMetadata()
            .withRules(
                rule(List.of("*"), List.of("*"), "get", "list", "watch"),
                rule(List.of("clusterregistry.k8s.cisco.com"), List.of("*"), "create", "update", "patch", "delete"),
                rule(List.of(""), List.of("secrets", "serviceaccounts", "namespaces", "events"), "create", "update", "patch", "delete"),
                rule(List.of("rbac.authorization.k8s.io"), List.of("clusterroles", "clusterrolebindings"), "create"))
            .build(),
        binding(app, namespace, name));
  };

  /** Prometheus discovers pods, services and endpoints and scrapes them (Istio's standard targets). */
  static final ServiceComponent.Beside PROMETHEUS = (app, namespace, config) -> bound(app, namespace, List.of(
      rule(List.of(""), List.of("nodes", "nodes/metrics", "services", "endpoints", "pods"), "get", "list", "watch"),
      rule(List.of("discovery.k8s.io"), List.of("endpointslices"), "get", "list", "watch")));

  /** kube-state-metrics lists and watches the objects whose state it exports. */
  static final ServiceComponent.Beside KUBE_STATE_METRICS = (app, namespace, config) -> bound(app, namespace, List.of(
      rule(List.of(""), List.of("configmaps", "secrets", "nodes", "pods", "services", "resourcequotas", "replicationcontrollers",
          "limitranges", "persistentvolumeclaims", "persistentvolumes", "namespaces", "endpoints"), "list", "watch"),
      rule(List.of("apps"), List.of("statefulsets", "daemonsets", "deployments", "replicasets"), "list", "watch"),
      rule(List.of("batch"), List.of("cronjobs", "jobs"), "list", "watch"),
      rule(List.of("autoscaling"), List.of("horizontalpodautoscalers"), "list", "watch"),
      rule(List.of("policy"), List.of("poddisruptionbudgets"), "list", "watch"),
      rule(List.of("networking.k8s.io"), List.of("networkpolicies", "ingresses"), "list", "watch"),
      rule(List.of("coordination.k8s.io"), List.of("leases"), "list", "watch")));

  private static PolicyRule rule(List<String> groups, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder().withApiGroups(groups).withResources(resources).withVerbs(verbs).build();
  }

  private static List<HasMetadata> bound(String app, String namespace, List<PolicyRule> rules) {
    String name = app + "-" + namespace;
    return List.of(new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build(),
        binding(app, namespace, name));
  }

  /** ClusterRole {@code name} bound to the workload's ServiceAccount, under the same name. */
  private static HasMetadata binding(String app, String namespace, String name) {
    return new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(app).withNamespace(namespace).endSubject().build();
  }
}
