package io.smm.sandbox;

/** Ports for `smm sandbox up`; 0 means a free port. */
public record SandboxOptions(int kubePort, int prometheusPort, int alertmanagerPort) {}
