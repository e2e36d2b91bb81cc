package io.smm.backend.signals;

import java.util.List;

/**
 * Time series of a scope's inbound and outbound golden signals and its saturation (empty for a
 * service); errors names what Prometheus could not answer.
 */
public record GoldenSignals(List<SignalPoint> inbound, List<SignalPoint> outbound, List<SaturationPoint> saturation,
    List<String> errors) {}
