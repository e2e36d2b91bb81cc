package io.smm.backend.signals;

import java.util.List;

/** Time series of a scope's inbound and outbound golden signals; errors names what Prometheus could not answer. */
public record GoldenSignals(List<SignalPoint> inbound, List<SignalPoint> outbound, List<String> errors) {}
