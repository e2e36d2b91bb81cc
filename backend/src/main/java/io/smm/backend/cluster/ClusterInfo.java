package io.smm.backend.cluster;

/**
 * A cluster of the mesh as the Mesh page lists it.
 *
 * @param kubernetesVersion null for a peer (the backend reads only its own cluster's API)
 * @param nodeCount null when the user may not list nodes, and for a peer
 * @param network the cluster's Istio network (its control plane's networkName; a peer's from the registry's copy of it),
 *     null when none is known
 * @param status Available, or the registry's state of a peer that is not Ready (Failed, Disabled, ...)
 * @param message why, when the status says something is wrong
 */
public record ClusterInfo(String name, String kubernetesVersion, Integer nodeCount, boolean local, String network, String status,
    String message) {}
