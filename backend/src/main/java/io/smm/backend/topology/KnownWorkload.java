package io.smm.backend.topology;

/** A workload Kubernetes knows about, so the topology can show it even without traffic (idle). */
public record KnownWorkload(String cluster, String namespace, String name, String app, String version) {}
