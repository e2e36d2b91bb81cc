package io.smm.sandbox.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference data in {@code shared/conformance/} beside the repository (istio-operator renders,
 * Istio 1.15 manifests, Kubernetes 1.25 schemas, Istio's analyzer cases). Tests read it as it is.
 */
public final class Conformance {

  private Conformance() {}

  /** {@code shared/conformance/<relative>}, found from the module or repository directory Maven runs in. */
  public static Path path(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolveSibling("shared").resolve("conformance");
      if (d.getParent() != null && Files.isDirectory(candidate)) {
        return candidate.resolve(relative);
      }
    }
    throw new IllegalStateException("shared/conformance/ not found beside the repository (looked up from " + dir + ")");
  }
}
