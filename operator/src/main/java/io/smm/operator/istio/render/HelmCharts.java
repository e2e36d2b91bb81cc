package io.smm.operator.istio.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The istio-operator's charts (vendored in resources/istio-operator/charts) rendered with real Helm,
 * the way the istio-operator renders them: chart defaults overlaid with values computed from the
 * custom resource, `helm template` with the operator's release name and the CR's namespace.
 * Helm needs the charts on disk, so they are copied out of the jar once per instance; renders are
 * remembered by their values (a resync with nothing changed costs no Helm run).
 */
public final class HelmCharts implements AutoCloseable {

  private static final String ROOT = "istio-operator/charts";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final int REMEMBERED = 32;

  private final Path dir;
  private final Map<String, List<HasMetadata>> rendered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<HasMetadata>> eldest) {
      return size() > REMEMBERED;
    }
  };

  public HelmCharts() {
    try {
      dir = Files.createTempDirectory("smm-istio-charts");
      copyCharts(dir);
      // Instances live as long as the reconcilers holding them, often the whole process.
      Runtime.getRuntime().addShutdownHook(new Thread(this::close, "smm-istio-charts-cleanup"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the istio-operator charts", e);
    }
  }

  /**
   * {@code helm template <release> <chart> --namespace <namespace> -f <values>}: the objects, in
   * the order Helm prints them. A template error is an {@link IllegalArgumentException} with Helm's
   * message (it names the template and line).
   */
  public synchronized List<HasMetadata> render(String chart, String release, String namespace, JsonNode values) {
    String key = chart + "\n" + release + "\n" + namespace + "\n" + values;
    List<HasMetadata> known = rendered.get(key);
    if (known != null) {
      return copies(known);
    }
    String manifest;
    Path valuesFile = null;
    try {
      valuesFile = Files.createTempFile(dir, "values-", ".yaml");
      YAML.writeValue(valuesFile.toFile(), values);
      try {
        manifest = new Helm(dir.resolve(chart)).template().withName(release).withNamespace(namespace)
            .withValuesFile(valuesFile).call();
      } finally {
        JvmSignals.restore();
      }
      manifest = crds(chart) + "\n---\n" + (manifest == null ? "" : manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("rendering chart " + chart + " failed: " + e.getMessage(), e);
    } finally {
      if (valuesFile != null) {
        valuesFile.toFile().delete();
      }
    }
    List<HasMetadata> objects = parse(manifest);
    rendered.put(key, objects);
    return copies(objects);
  }

  /**
   * Multi-document YAML to objects: built-in kinds typed, others generic; empty documents dropped.
   * Read as Helm's Go YAML reads it: a key repeated in a mapping (the meshgateway chart repeats
   * selector labels) keeps its last value.
   */
  static List<HasMetadata> parse(String manifest) {
    List<HasMetadata> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(manifest)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && !doc.isEmpty()) {
          KubernetesResource r = Serialization.unmarshal(doc.toString());
          if (r instanceof HasMetadata h) {
            out.add(h);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("a chart rendered YAML that does not parse: " + e.getMessage(), e);
    }
    return out;
  }

  /** What {@code helm template --include-crds} adds: the chart's crds/ files, as they are (Helm never templates them). */
  private String crds(String chart) throws IOException {
    Path crds = dir.resolve(chart).resolve("crds");
    if (!Files.isDirectory(crds)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(crds)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
        out.append("\n---\n").append(Files.readString(f));
      }
    }
    return out.toString();
  }

  // Callers add labels and owners to what they get; the remembered render must stay as Helm made it.
  private static List<HasMetadata> copies(List<HasMetadata> objects) {
    return objects.stream().map(o -> (HasMetadata) Serialization.clone(o)).toList();
  }

  private static void copyCharts(Path target) throws IOException {
    URI uri;
    try {
      uri = HelmCharts.class.getClassLoader().getResource(ROOT).toURI();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IOException("the istio-operator charts are not on the classpath", e);
    }
    if ("jar".equals(uri.getScheme())) {
      FileSystem fs;
      boolean opened = false;
      try {
        fs = FileSystems.newFileSystem(uri, Map.of());
        opened = true;
      } catch (FileSystemAlreadyExistsException e) {
        fs = FileSystems.getFileSystem(uri);
      }
      try {
        copyTree(fs.getPath(ROOT), target);
      } finally {
        if (opened) {
          fs.close();
        }
      }
    } else {
      copyTree(Path.of(uri), target);
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temp directory left behind is harmless.
    }
  }
}
