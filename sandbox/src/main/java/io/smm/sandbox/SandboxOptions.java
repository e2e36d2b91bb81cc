package io.smm.sandbox;

/**
 * Ports for `smm sandbox up` (0 means a free port), and whether to start from an empty cluster
 * instead of resuming the one an earlier sandbox in the same home left.
 */
public record SandboxOptions(int kubePort, int prometheusPort, int alertmanagerPort, boolean fresh) {}
