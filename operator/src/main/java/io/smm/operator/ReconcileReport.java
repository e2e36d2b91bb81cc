package io.smm.operator;

import java.time.Duration;
import java.util.List;

/** The outcome of one pass over all components. */
public record ReconcileReport(List<ComponentResult> components, String istioStatus, Duration took) {

  public boolean succeeded() {
    return components.stream().noneMatch(c -> ComponentResult.FAILED.equals(c.status()));
  }

  public int writes() {
    return components.stream().mapToInt(ComponentResult::writes).sum();
  }
}
