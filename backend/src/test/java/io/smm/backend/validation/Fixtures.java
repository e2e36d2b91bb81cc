package io.smm.backend.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Multi-document YAML fixtures from the test classpath (validation/...). */
final class Fixtures {

  private Fixtures() {}

  static List<KubeObject> load(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/validation/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture validation/" + resource);
      }
      // Read as `smm analyze -f` reads files: Secrets are judged as credentials and their data dropped.
      ResourceFiles files = new ResourceFiles(null, Instant.now()).read(resource, in);
      if (files.problems().stream().anyMatch(p -> p.severity() != Severity.INFO)) {
        throw new IllegalStateException("fixture validation/" + resource + " is not readable: " + files.problems());
      }
      return files.objects();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base mesh plus the given fixture. */
  static MeshConfig mesh(String resource) {
    List<KubeObject> objects = new ArrayList<>(load("base.yaml"));
    if (resource != null) {
      objects.addAll(load(resource));
    }
    return new MeshConfig("master", MeshSettings.of(objects), objects);
  }
}
