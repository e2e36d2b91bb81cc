package io.smm.backend.topology;

/**
 * A node of the topology: a workload (Deployment, StatefulSet, ... as Istio names it) or, grouped
 * by app, all versions of an app (the app label), a service
 * (Kubernetes Service or ServiceEntry host), an external cluster (PassthroughCluster,
 * BlackHoleCluster) or the unknown source (traffic from outside the mesh). Idle: no traffic in
 * the window.
 */
public record TopologyNode(String id, Type type, String cluster, String namespace, String name, String app, String version,
    boolean idle) {

  public enum Type { WORKLOAD, APP, SERVICE, EXTERNAL, UNKNOWN }

  public static String workloadId(String cluster, String namespace, String name) {
    return "workload:" + cluster + "/" + namespace + "/" + name;
  }

  public static String appId(String cluster, String namespace, String app) {
    return "app:" + cluster + "/" + namespace + "/" + app;
  }

  public static String serviceId(String cluster, String namespace, String name) {
    return "service:" + cluster + "/" + namespace + "/" + name;
  }

  static final String UNKNOWN_ID = "unknown";
}
