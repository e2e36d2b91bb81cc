package io.smm.backend.signals;

import io.smm.backend.telemetry.TimePoint;

/**
 * CPU (cores) and working-set memory (bytes) of a scope's containers at one time step, all of them
 * and the istio-proxy sidecars alone; NaN when no container reported.
 */
public record SaturationPoint(long epochSecond, double cpuCores, double memoryBytes, double proxyCpuCores, double proxyMemoryBytes)
    implements TimePoint {}
