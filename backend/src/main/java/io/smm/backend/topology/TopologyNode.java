package io.smm.backend.topology;

/**
 * A node of the topology: a workload (Deployment, StatefulSet, ... as Istio names it), a service
 * (Kubernetes Service or ServiceEntry host), an external cluster (PassthroughCluster,
 * BlackHoleCluster) or the unknown source (traffic from outside the mesh). Idle: no traffic in
 * the window.
 */
public record TopologyNode(String id, Type type, String cluster, String namespace, String name, String app, String version,
    boolean idle) {

  public enum Type { WORKLOAD, SERVICE, EXTERNAL, UNKNOWN }

  public static String workloadId(String cluster, String namespace, String name) {
    return "workload:" + cluster + "/" + namespace + "/" + name;
  }

  public static String serviceId(String cluster, String namespace, String name) {
    return "service:" + cluster + "/" + namespace + "/" + name;
  }

  static final String UNKNOWN_ID = "unknown";
}
