package io.smm.backend.mesh;

/**
 * An Istio control plane (IstioControlPlane resource) as the Mesh page shows it: its revision
 * (name.namespace, the istio.io/rev value), Istio version, the sidecars that belong to it and how
 * many of them are not ready, what those sidecars use (CPU cores, working-set bytes; NaN when the
 * kubelet's metrics cannot be read), and the mesh-wide settings users ask about most.
 */
public record ControlPlaneInfo(String name, String namespace, String revision, String version, String status, int proxies,
    int proxiesNotReady, double proxyCpuCores, double proxyMemoryBytes, String outboundTrafficPolicy, boolean autoMtls) {}
