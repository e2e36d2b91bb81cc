package io.smm.sandbox.kube;

import java.util.List;

/**
 * The built-in Kubernetes resources the sandbox API server announces in discovery, so that
 * kubectl and discovery-driven clients resolve names such as "ns", "deploy" or "pods". The CRUD
 * store itself accepts any path; this table only decides what discovery shows.
 */
final class BuiltInResources {

  record Resource(String group, String version, String plural, String kind, boolean namespaced, List<String> shortNames) {
    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private BuiltInResources() {}

  static final List<Resource> ALL = List.of(
      core("namespaces", "Namespace", false, "ns"),
      core("nodes", "Node", false, "no"),
      core("pods", "Pod", true, "po"),
      core("services", "Service", true, "svc"),
      core("endpoints", "Endpoints", true, "ep"),
      core("configmaps", "ConfigMap", true, "cm"),
      core("secrets", "Secret", true),
      core("serviceaccounts", "ServiceAccount", true, "sa"),
      core("events", "Event", true, "ev"),
      core("persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc"),
      core("persistentvolumes", "PersistentVolume", false, "pv"),
      core("replicationcontrollers", "ReplicationController", true, "rc"),
      core("resourcequotas", "ResourceQuota", true, "quota"),
      core("limitranges", "LimitRange", true, "limits"),
      of("apps", "v1", "deployments", "Deployment", true, "deploy"),
      of("apps", "v1", "statefulsets", "StatefulSet", true, "sts"),
      of("apps", "v1", "daemonsets", "DaemonSet", true, "ds"),
      of("apps", "v1", "replicasets", "ReplicaSet", true, "rs"),
      of("apps", "v1", "controllerrevisions", "ControllerRevision", true),
      of("batch", "v1", "jobs", "Job", true),
      of("batch", "v1", "cronjobs", "CronJob", true, "cj"),
      of("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
      of("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
      of("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
      of("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
      of("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, "crd", "crds"),
      of("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
      of("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false),
      of("networking.k8s.io", "v1", "ingresses", "Ingress", true, "ing"),
      of("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
      of("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "netpol"),
      of("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb"),
      of("coordination.k8s.io", "v1", "leases", "Lease", true),
      of("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa"),
      of("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
      of("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, "sc"),
      of("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
      of("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false));

  private static Resource core(String plural, String kind, boolean namespaced, String... shortNames) {
    return of("", "v1", plural, kind, namespaced, shortNames);
  }

  private static Resource of(String group, String version, String plural, String kind, boolean namespaced, String... shortNames) {
    return new Resource(group, version, plural, kind, namespaced, List.of(shortNames));
  }
}
