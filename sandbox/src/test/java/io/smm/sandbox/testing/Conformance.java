package io.smm.sandbox.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.kube.OpenApiValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference data in {@code shared/conformance/} beside the repository (istio-operator renders,
 * Istio 1.15 manifests, Kubernetes 1.25 schemas, Istio's analyzer cases). Tests read it as it is.
 */
public final class Conformance {

  private Conformance() {}

  /** A validator for the Kubernetes 1.25 OpenAPI schemas in {@code kubernetes-openapi-v1.25/}, as kube-apiserver checks objects. */
  public static OpenApiValidator kubernetesSchemas() {
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(path("kubernetes-openapi-v1.25"))) {
      for (Path f : files.filter(f -> f.toString().endsWith("_openapi.json")).sorted().toList()) {
        docs.add(new ObjectMapper().readTree(f.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new OpenApiValidator(docs);
  }

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
