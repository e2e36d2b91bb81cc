package io.smm.sandbox.kubelet;

/** What a container has used so far, as cAdvisor reports it: CPU seconds (a counter) and working-set bytes (a gauge). */
public record ContainerUsage(String container, double cpuSeconds, long memoryWorkingSetBytes) {}
