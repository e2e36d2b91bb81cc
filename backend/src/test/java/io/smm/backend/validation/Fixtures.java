package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
      List<KubeObject> out = new ArrayList<>();
      new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(in).forEachRemaining(n -> {
        if (n != null && !n.isNull() && !n.isEmpty()) {
          out.add(KubeObject.of(n));
        }
      });
      return out;
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
    return new MeshConfig("master", MeshConfig.DEFAULT_ROOT_NAMESPACE, objects);
  }
}
