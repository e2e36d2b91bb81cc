package io.smm.backend.validation;

import java.util.Map;

/**
 * One named check over the whole mesh configuration. {@code id} follows the seed
 * ("gateway/reused-cert"): the kind it is about, then what is wrong. {@code istio} is the
 * message Istio's own analyzers report for the same problem, null when Istio has none.
 */
public record Check(String id, Severity severity, String description, IstioMessage istio, Rule rule) {

  /** A check of our own (no Istio analyzer reports it). */
  public Check(String id, Severity severity, String description, Rule rule) {
    this(id, severity, description, null, rule);
  }

  /** A check Istio's analyzers also make: it reports at Istio's level, under Istio's code. */
  public Check(String id, IstioMessage istio, String description, Rule rule) {
    this(id, istio.level(), description, istio, rule);
  }

  /**
   * This check at another severity than Istio's level. Checks that existed before they mirrored
   * Istio keep the severity users had (it decides what blocks a save), e.g. a selector without pods
   * stays a warning, since pods often come after their configuration.
   */
  public Check reportedAs(Severity other) {
    return new Check(id, other, description, istio, rule);
  }

  /** Reports problems it finds in a snapshot. */
  @FunctionalInterface
  public interface Rule {
    void run(MeshConfig mesh, Reporter report);
  }

  /** Where a rule says what it found. */
  @FunctionalInterface
  public interface Reporter {
    void problem(KubeObject subject, String path, String message, Map<String, String> context);

    default void problem(KubeObject subject, String path, String message) {
      problem(subject, path, message, Map.of());
    }
  }
}
