package io.smm.backend.topology;

/**
 * A workload Kubernetes knows about, so the topology can show it even without traffic (idle), and
 * what it is: an ordinary workload, a gateway or a VM.
 */
public record KnownWorkload(String cluster, String namespace, String name, String app, String version, TopologyNode.Type type) {

  public KnownWorkload(String cluster, String namespace, String name, String app, String version) {
    this(cluster, namespace, name, app, version, TopologyNode.Type.WORKLOAD);
  }
}
