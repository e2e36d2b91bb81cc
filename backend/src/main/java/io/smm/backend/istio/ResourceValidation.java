package io.smm.backend.istio;

import java.util.List;

/** What validating one resource found; kind/namespace/name are empty when the YAML could not be read. */
public record ResourceValidation(String kind, String namespace, String name, List<Issue> issues) {

  public boolean blocked() {
    return issues.stream().anyMatch(Issue::blocking);
  }

  /** Findings of severity error that saving must be confirmed for. */
  public List<Issue> overridableErrors() {
    return issues.stream().filter(i -> !i.blocking() && i.severity().equals("error")).toList();
  }
}
