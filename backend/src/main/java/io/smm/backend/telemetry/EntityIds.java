package io.smm.backend.telemetry;

/**
 * The ids of what Istio's metrics name — workloads, apps, services, namespaces, clusters — in one
 * form, so a topology node, its health and its golden signals always share one id.
 */
public final class EntityIds {

  /** The source of traffic from outside the mesh (source_workload="unknown"). */
  public static final String UNKNOWN = "unknown";

  private EntityIds() {}

  public static String workload(String cluster, String namespace, String name) {
    return "workload:" + cluster + "/" + namespace + "/" + name;
  }

  public static String app(String cluster, String namespace, String app) {
    return "app:" + cluster + "/" + namespace + "/" + app;
  }

  public static String namespace(String cluster, String namespace) {
    return "namespace:" + cluster + "/" + namespace;
  }

  public static String cluster(String cluster) {
    return "cluster:" + cluster;
  }

  public static String service(String cluster, String namespace, String name) {
    return "service:" + cluster + "/" + namespace + "/" + name;
  }
}
