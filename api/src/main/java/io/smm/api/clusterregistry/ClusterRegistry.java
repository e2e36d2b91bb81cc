package io.smm.api.clusterregistry;

/**
 * Names the cluster registry shares with Cisco's cluster-registry-controller (api/v1alpha1 and
 * controllers/core_syncers.go), so that clusters run by either form one group.
 */
public final class ClusterRegistry {

  private ClusterRegistry() {}

  public static final String API_VERSION = "clusterregistry.k8s.cisco.com/v1alpha1";

  /** The type of the Secret a Cluster's authInfo names; its {@link #KUBECONFIG_KEY} holds a kubeconfig to read that cluster. */
  public static final String SECRET_TYPE = "k8s.cisco.com/cluster-registry-secret";
  public static final String KUBECONFIG_KEY = "kubeconfig";

  /** On a synced copy (annotation and label): the ID of the cluster the object comes from. */
  public static final String OWNER_CLUSTER_ID = "cluster-registry.k8s.cisco.com/resource-owner-cluster-id";
  /** On a source object: never create or update copies of it. */
  public static final String SYNC_DISABLED = "cluster-registry.k8s.cisco.com/resource-sync-disabled";
  /** On a Cluster: leave it out of the group. */
  public static final String CLUSTER_DISABLED = "cluster-registry.k8s.cisco.com/cluster-disabled";
  /** On a copy written as another kind: the source's group/version/kind. */
  public static final String ORIGINAL_GVK = "cluster-registry.k8s.cisco.com/original-group-version-kind";

  /** The feature every cluster offers when it is a source of the core resources. */
  public static final String CORE_FEATURE = "cluster-registry-core-resources-source";
  /** Marks the core ClusterFeature and ResourceSyncRules the controller keeps. */
  public static final String CORE_LABEL = "cluster-registry-controller.k8s.cisco.com/core-sync-resource";

  /** A ClusterRole with this label adds read rights to the reader service account peers use. */
  public static final String READER_AGGREGATED_LABEL = "cluster-registry.k8s.cisco.com/reader-aggregated";
  public static final String READER_SERVICE_ACCOUNT = "cluster-registry-controller-reader";
}
