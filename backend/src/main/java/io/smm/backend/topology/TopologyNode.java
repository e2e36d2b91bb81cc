package io.smm.backend.topology;

/**
 * A node of the topology: a workload (Deployment, StatefulSet, ... as Istio names it; an ingress or
 * egress gateway; a VM registered as WorkloadEntry) or, grouped by app, all versions of an app
 * (the app label), a service (Kubernetes Service or ServiceEntry host), an external cluster
 * (PassthroughCluster, BlackHoleCluster), the unknown source (traffic from outside the mesh), or
 * when grouped by namespace or cluster everything of one. Idle: no traffic in the window.
 */
public record TopologyNode(String id, Type type, String cluster, String namespace, String name, String app, String version,
    boolean idle) {

  TopologyNode withType(Type type) {
    return new TopologyNode(id, type, cluster, namespace, name, app, version, idle);
  }

  public enum Type { WORKLOAD, GATEWAY, VM, APP, SERVICE, EXTERNAL, UNKNOWN, NAMESPACE, CLUSTER }

  /** How workloads and services are gathered into nodes. */
  public enum Grouping { WORKLOAD, APP, NAMESPACE, CLUSTER }

  public static String workloadId(String cluster, String namespace, String name) {
    return "workload:" + cluster + "/" + namespace + "/" + name;
  }

  public static String appId(String cluster, String namespace, String app) {
    return "app:" + cluster + "/" + namespace + "/" + app;
  }

  public static String namespaceId(String cluster, String namespace) {
    return "namespace:" + cluster + "/" + namespace;
  }

  public static String clusterId(String cluster) {
    return "cluster:" + cluster;
  }

  public static String serviceId(String cluster, String namespace, String name) {
    return "service:" + cluster + "/" + namespace + "/" + name;
  }

  static final String UNKNOWN_ID = "unknown";
}
