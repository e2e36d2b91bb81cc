package io.smm.backend.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Kubernetes objects read from YAML files, for analysis without a cluster ({@code smm analyze -f}):
 * multi-document files, {@code kind: List} and directories (recursively, *.yaml, *.yml, *.json).
 * Each document is parsed alone, so one that is not YAML, not a Kubernetes object or of an Istio kind
 * we do not know becomes a finding with its file and line, and the other documents are still read.
 * Secrets are judged as gateway credentials and their data dropped at once.
 */
public final class ResourceFiles {

  /** What a document that cannot be analysed is reported as. */
  public static final String INVALID_DOCUMENT = "input/document/invalid";
  public static final String UNKNOWN_KIND = "input/kind/unknown";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  /** Istio's configuration kinds by API group; other kinds of these groups are unknown schemas to us (and to istioctl). */
  private static final Map<String, Set<String>> ISTIO_KINDS = Map.of(
      "networking.istio.io", Set.of("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "WorkloadEntry",
          "WorkloadGroup", "EnvoyFilter", "ProxyConfig"),
      "security.istio.io", Set.of("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"),
      "telemetry.istio.io", Set.of("Telemetry"),
      "extensions.istio.io", Set.of("WasmPlugin"));

  /** The other kinds some check reads; any other kind is read but not analysed, and said so. */
  private static final Set<String> READ_KINDS = Set.of("Namespace", "Node", "Pod", "Service", "ServiceAccount", "Secret", "ConfigMap",
      "Deployment", "MutatingWebhookConfiguration", "IstioControlPlane", "Gateway", "HTTPRoute", "GRPCRoute");

  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
      "StorageClass", "PriorityClass", "GatewayClass");

  private final String defaultNamespace;
  private final Instant now;
  private final List<KubeObject> objects = new ArrayList<>();
  private final List<Finding> problems = new ArrayList<>();

  /**
   * @param defaultNamespace the namespace of namespaced objects that name none (as kubectl apply
   *     would put them), or null to leave them without one
   */
  public ResourceFiles(String defaultNamespace, Instant now) {
    this.defaultNamespace = defaultNamespace;
    this.now = now;
  }

  public List<KubeObject> objects() {
    return objects;
  }

  /** Documents that could not be analysed, as findings about the file. */
  public List<Finding> problems() {
    return problems;
  }

  /** Reads a file, or every YAML/JSON file under a directory. */
  public ResourceFiles read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path)) {
        for (Path f : files.filter(Files::isRegularFile).filter(ResourceFiles::isManifest).sorted().toList()) {
          readFile(f);
        }
      }
    } else {
      readFile(path);
    }
    return this;
  }

  private static boolean isManifest(Path f) {
    String name = f.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private void readFile(Path f) throws IOException {
    if (Files.size(f) > MAX_FILE_BYTES) {
      problem(f.toString(), 1, "the file is larger than " + (MAX_FILE_BYTES >> 20) + " MiB; not read");
      return;
    }
    // Bytes that are not UTF-8 become replacement characters: the YAML parser then says where, instead of the read failing.
    read(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
  }

  /** Reads a stream ({@code -} for stdin), at most 64 MiB. */
  public ResourceFiles read(String name, InputStream in) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) {
      problem(name, 1, "the input is larger than " + (MAX_FILE_BYTES >> 20) + " MiB; not read");
      return this;
    }
    return read(name, new String(bytes, StandardCharsets.UTF_8));
  }

  /** Reads YAML text: documents separated by "---" lines, each parsed on its own. */
  public ResourceFiles read(String name, String text) {
    String[] lines = text.split("\n", -1);
    StringBuilder doc = new StringBuilder();
    int start = 1;
    for (int i = 0; i <= lines.length; i++) {
      boolean end = i == lines.length || lines[i].startsWith("---") && lines[i].substring(3).trim().matches("(#.*)?");
      if (end) {
        document(name, start, doc.toString());
        doc.setLength(0);
        start = i + 2;
      } else {
        doc.append(lines[i]).append('\n');
      }
    }
    return this;
  }

  private void document(String file, int line, String text) {
    if (text.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
      return;
    }
    JsonNode node;
    try {
      node = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      int at = e.getLocation() == null ? 0 : e.getLocation().getLineNr() - 1;
      problem(file, line + Math.max(at, 0), "not valid YAML: " + yamlProblem(e.getOriginalMessage()));
      return;
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    object(file, line, node);
  }

  /** The YAML parser's message without its source excerpts and caret lines, on one line. */
  private static String yamlProblem(String message) {
    return String.join("; ", message.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.equals("^") && !l.matches("\\^+")).toList())
        .replaceAll("\\s+", " ");
  }

  private void object(String file, int line, JsonNode node) {
    String origin = file + ":" + line;
    if (!node.isObject() || node.path("apiVersion").asText("").isEmpty() || node.path("kind").asText("").isEmpty()) {
      problem(file, line, "not a Kubernetes object: apiVersion and kind are required");
      return;
    }
    String kind = node.path("kind").asText();
    if (kind.endsWith("List") && node.path("items").isArray()) {
      node.path("items").forEach(item -> object(file, line, item));
      return;
    }
    String apiVersion = node.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    Set<String> known = ISTIO_KINDS.get(group);
    if (known != null && !known.contains(kind) || group.endsWith(".istio.io") && known == null) {
      problems.add(new Finding(UNKNOWN_KIND, Severity.WARNING, fileSubject(file, line), "kind",
          "Unknown schema: " + apiVersion + " " + kind + " is not a kind Istio's configuration analysis knows; not analysed",
          "", Map.of("apiVersion", apiVersion, "kind", kind), null));
      return;
    }
    if (known == null && !READ_KINDS.contains(kind)) {
      // Kept (it costs nothing) but named, so a user does not take silence for a pass.
      problems.add(new Finding(UNKNOWN_KIND, Severity.INFO, fileSubject(file, line), "kind", apiVersion + " " + kind
          + " is not a kind the checks read; not analysed", "", Map.of("apiVersion", apiVersion, "kind", kind), null));
    }
    if (node.path("metadata").path("name").asText("").isEmpty()) {
      problem(file, line, apiVersion + " " + kind + " has no metadata.name");
      return;
    }
    ObjectNode body = (ObjectNode) node.deepCopy();
    if (defaultNamespace != null && !CLUSTER_SCOPED.contains(kind) && body.path("metadata").path("namespace").asText("").isEmpty()) {
      ((ObjectNode) body.get("metadata")).put("namespace", defaultNamespace);
    }
    if (group.isEmpty() && kind.equals("Secret")) {
      GatewayCredentials.redact(body, now);
    }
    objects.add(KubeObject.of(body, origin));
  }

  private void problem(String file, int line, String message) {
    problems.add(new Finding(INVALID_DOCUMENT, Severity.ERROR, fileSubject(file, line), "line " + line, message, "", Map.of(), null));
  }

  private static KubeObject fileSubject(String file, int line) {
    return new KubeObject("", "File", "", file, JsonNodeFactory.instance.objectNode(), file + ":" + line);
  }
}
