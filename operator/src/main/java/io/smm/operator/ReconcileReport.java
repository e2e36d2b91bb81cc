package io.smm.operator;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one pass over all components; {@code warnings} are the accepted settings that had
 * nothing to act on ({@link io.smm.api.controlplane.ControlPlaneSupport#notes}).
 */
public record ReconcileReport(List<ComponentResult> components, String istioStatus, Duration took, List<String> warnings) {

  public ReconcileReport(List<ComponentResult> components, String istioStatus, Duration took) {
    this(components, istioStatus, took, List.of());
  }

  public boolean succeeded() {
    return components.stream().noneMatch(c -> ComponentResult.FAILED.equals(c.status()));
  }

  public int writes() {
    return components.stream().mapToInt(ComponentResult::writes).sum();
  }
}
