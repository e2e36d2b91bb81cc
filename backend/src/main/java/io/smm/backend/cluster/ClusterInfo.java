package io.smm.backend.cluster;

/** @param nodeCount null when the user may not list nodes */
public record ClusterInfo(String name, String kubernetesVersion, Integer nodeCount, boolean local) {}
