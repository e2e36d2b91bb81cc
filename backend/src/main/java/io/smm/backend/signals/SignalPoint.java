package io.smm.backend.signals;

import io.smm.backend.telemetry.TimePoint;

/** Golden signals at one time step: request rate, share of errors (5xx, gRPC non-OK), latency quantiles in ms (NaN without requests). */
public record SignalPoint(long epochSecond, double requestsPerSecond, double errorRatio, double p50Ms, double p95Ms, double p99Ms)
    implements TimePoint {}
