package io.smm.backend.validation;

import java.util.Map;

/**
 * One named check over the whole mesh configuration. {@code id} follows the seed
 * ("gateway/reused-cert"): the kind it is about, then what is wrong.
 */
public record Check(String id, Severity severity, String description, Rule rule) {

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
