package io.smm.backend.topology;

import io.smm.backend.health.HealthScore;

/**
 * A node of the topology: a workload (Deployment, StatefulSet, ... as Istio names it; an ingress or
 * egress gateway; a VM registered as WorkloadEntry) or, grouped by app, all versions of an app
 * (the app label), a service (Kubernetes Service or ServiceEntry host), an external cluster
 * (PassthroughCluster, BlackHoleCluster), the unknown source (traffic from outside the mesh), or
 * when grouped by namespace or cluster everything of one. Idle: no traffic in the window. Health:
 * the latest score of the node's health timeline, joined in as Kiali's health appender does.
 */
public record TopologyNode(String id, Type type, String cluster, String namespace, String name, String app, String version,
    boolean idle, HealthScore health) {

  public TopologyNode(String id, Type type, String cluster, String namespace, String name, String app, String version, boolean idle) {
    this(id, type, cluster, namespace, name, app, version, idle, null);
  }

  TopologyNode withType(Type type) {
    return new TopologyNode(id, type, cluster, namespace, name, app, version, idle, health);
  }

  /** With its health now (null: no health known). */
  TopologyNode withHealth(HealthScore health) {
    return new TopologyNode(id, type, cluster, namespace, name, app, version, idle, health);
  }

  public enum Type { WORKLOAD, GATEWAY, VM, APP, SERVICE, EXTERNAL, UNKNOWN, NAMESPACE, CLUSTER }

  /** How workloads and services are gathered into nodes. */
  public enum Grouping { WORKLOAD, APP, NAMESPACE, CLUSTER }
}
