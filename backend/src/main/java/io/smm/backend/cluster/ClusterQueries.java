package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Reads cluster identity and namespaces from the Kubernetes API. Blocking; call off the event loop. */
public class ClusterQueries {

  /** The ControlPlane kind is not on the classpath yet (api module); it is read generically. */
  static final ResourceDefinitionContext CONTROL_PLANE = new ResourceDefinitionContext.Builder()
      .withGroup("smm.cisco.com").withVersion("v1alpha1").withKind("ControlPlane").withPlural("controlplanes")
      .withNamespaced(false).build();
  static final String CONTROL_PLANE_NAME = "smm";

  private final KubernetesClient client;
  private final String fallbackClusterName;

  /**
   * @param fallbackClusterName the name to show when no ControlPlane names the cluster, usually the
   *     cluster of the kubeconfig's current context
   */
  public ClusterQueries(KubernetesClient client, String fallbackClusterName) {
    this.client = client;
    this.fallbackClusterName = fallbackClusterName;
  }

  public List<ClusterInfo> clusters() {
    String version = client.getKubernetesVersion().getGitVersion();
    int nodes = client.nodes().list().getItems().size();
    return List.of(new ClusterInfo(clusterName(), version, nodes, true));
  }

  public List<NamespaceInfo> namespaces() {
    return client.namespaces().list().getItems().stream()
        .map(NamespaceInfo::of)
        .sorted(Comparator.comparing(NamespaceInfo::name))
        .toList();
  }

  String clusterName() {
    GenericKubernetesResource cp = client.genericKubernetesResources(CONTROL_PLANE).withName(CONTROL_PLANE_NAME).get();
    if (cp != null && cp.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        && spec.get("clusterName") instanceof String name && !name.isBlank()) {
      return name;
    }
    return fallbackClusterName;
  }
}
