package io.smm.backend.cluster;

public record ClusterInfo(String name, String kubernetesVersion, int nodeCount, boolean local) {}
