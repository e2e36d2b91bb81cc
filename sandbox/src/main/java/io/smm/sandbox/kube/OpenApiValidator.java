package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks an object against the OpenAPI v3 schema of its kind, the way kube-apiserver decodes and
 * validates it: types (IntOrString and Quantity included), required fields, unknown fields (what
 * strict field validation refuses), the enum values the API server's validation code enforces for
 * the fields we write, and label and name syntax. Each problem comes with its field path
 * ({@code spec.template.spec.containers[0].ports[0].containerPort}).
 */
public final class OpenApiValidator {

  /** One problem at one field, as a kube-apiserver cause. */
  public record Violation(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  // The 1.25 schemas carry no enum keyword; kube-apiserver's validation still refuses other values.
  private static final Map<String, Set<String>> ENUMS = Map.ofEntries(
      Map.entry("imagePullPolicy", Set.of("Always", "IfNotPresent", "Never")),
      Map.entry("restartPolicy", Set.of("Always", "OnFailure", "Never")),
      Map.entry("dnsPolicy", Set.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")),
      Map.entry("failurePolicy", Set.of("Fail", "Ignore")),
      Map.entry("sideEffects", Set.of("None", "NoneOnDryRun")),
      Map.entry("matchPolicy", Set.of("Exact", "Equivalent")),
      Map.entry("reinvocationPolicy", Set.of("Never", "IfNeeded")),
      Map.entry("externalTrafficPolicy", Set.of("Cluster", "Local")));
  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** schema name -> schema, across all documents (each document repeats the shared meta types). */
  private final Map<String, JsonNode> schemas = new HashMap<>();
  /** "group/version/Kind" -> schema name. */
  private final Map<String, String> kinds = new HashMap<>();
  /** Whether the enum table of kube-apiserver's validation code applies (built-in kinds; a CRD says its own enums). */
  private final boolean builtInRules;

  public OpenApiValidator(List<JsonNode> documents) {
    this(documents, true);
  }

  private OpenApiValidator(List<JsonNode> documents, boolean builtInRules) {
    this.builtInRules = builtInRules;
    for (JsonNode doc : documents) {
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("schemas").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        schemas.putIfAbsent(e.getKey(), e.getValue());
        for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
          kinds.put(gvk.path("group").asText() + "/" + gvk.path("version").asText() + "/" + gvk.path("kind").asText(), e.getKey());
        }
      }
    }
  }

  /** Whether the schemas know the object's apiVersion and kind. */
  public boolean knows(JsonNode object) {
    return kinds.containsKey(gvk(object));
  }

  public List<Violation> validate(JsonNode object) {
    List<Violation> out = new ArrayList<>();
    String name = kinds.get(gvk(object));
    if (name == null) {
      out.add(new Violation("kind", "no kind \"" + object.path("kind").asText() + "\" is registered for version \""
          + object.path("apiVersion").asText() + "\""));
      return out;
    }
    check(object, schemas.get(name), "", out);
    checkMetadata(object.path("metadata"), out);
    return out;
  }

  /** Validates a value against a schema fragment (a CRD's openAPIV3Schema uses the same rules, without $refs). */
  public static List<Violation> validateAgainst(JsonNode value, JsonNode schema) {
    List<Violation> out = new ArrayList<>();
    new OpenApiValidator(List.of(), false).check(value, schema, "", out);
    return out;
  }

  private static String gvk(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    return group + "/" + version + "/" + object.path("kind").asText();
  }

  private JsonNode resolve(JsonNode schema) {
    for (int i = 0; i < 8; i++) {
      if (schema.has("$ref")) {
        schema = schemas.getOrDefault(schema.path("$ref").asText().replace("#/components/schemas/", ""), schema.deepCopy());
        if (schema.has("$ref")) {
          return schema;
        }
      } else if (schema.path("allOf").size() == 1 && !schema.has("properties") && !schema.has("type")) {
        schema = schema.path("allOf").get(0);
      } else {
        return schema;
      }
    }
    return schema;
  }

  private void check(JsonNode value, JsonNode schema, String path, List<Violation> out) {
    if (value == null || value.isNull() || schema == null) {
      return;
    }
    schema = resolve(schema);
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !schema.has("properties") && !schema.has("type")) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false) || "int-or-string".equals(schema.path("format").asText())) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(new Violation(path, "must be an integer or a string, got " + describe(value)));
      }
      return;
    }
    if (schema.has("oneOf") || schema.has("anyOf")) {
      for (JsonNode alternative : schema.has("oneOf") ? schema.path("oneOf") : schema.path("anyOf")) {
        List<Violation> attempt = new ArrayList<>();
        check(value, alternative, path, attempt);
        if (attempt.isEmpty()) {
          return;
        }
      }
      if (!schema.has("type") && !schema.has("properties")) {
        out.add(new Violation(path, "has the wrong type: " + describe(value)));
        return;
      }
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> object(value, schema, path, out);
      case "array" -> {
        if (!value.isArray()) {
          out.add(new Violation(path, "must be an array, got " + describe(value)));
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), schema.path("items"), path + "[" + i + "]", out);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          out.add(new Violation(path, "must be a string, got " + describe(value)));
        } else if (schema.has("enum")) {
          enumValue(value, schema.path("enum"), path, out);
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          out.add(new Violation(path, "must be an integer, got " + describe(value)));
        } else {
          range(value, schema, path, out);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          out.add(new Violation(path, "must be a number, got " + describe(value)));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          out.add(new Violation(path, "must be a boolean, got " + describe(value)));
        }
      }
      default -> {
        if (schema.has("properties")) {
          object(value, schema, path, out);
        }
      }
    }
  }

  /** format int32/int64 (a value that does not fit cannot be decoded) and a CRD's minimum and maximum, worded as kube-apiserver does. */
  private static void range(JsonNode value, JsonNode schema, String path, List<Violation> out) {
    BigInteger v = value.bigIntegerValue();
    String format = schema.path("format").asText("");
    BigInteger low = format.equals("int32") ? BigInteger.valueOf(Integer.MIN_VALUE) : BigInteger.valueOf(Long.MIN_VALUE);
    BigInteger high = format.equals("int32") ? BigInteger.valueOf(Integer.MAX_VALUE) : BigInteger.valueOf(Long.MAX_VALUE);
    if (v.compareTo(low) < 0 || v.compareTo(high) > 0) {
      out.add(new Violation(path, "must be " + (format.equals("int32") ? "a 32-bit" : "a 64-bit") + " integer, got " + value.asText()));
      return;
    }
    if (schema.has("minimum") && new BigDecimal(v).compareTo(schema.path("minimum").decimalValue()) < 0) {
      out.add(new Violation(path, "should be greater than or equal to " + schema.path("minimum").asText()));
    }
    if (schema.has("maximum") && new BigDecimal(v).compareTo(schema.path("maximum").decimalValue()) > 0) {
      out.add(new Violation(path, "should be less than or equal to " + schema.path("maximum").asText()));
    }
  }

  private void object(JsonNode value, JsonNode schema, String path, List<Violation> out) {
    if (!value.isObject()) {
      out.add(new Violation(path, "must be an object, got " + describe(value)));
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText()) || value.get(required.asText()).isNull()) {
        out.add(new Violation(join(path, required.asText()), "Required value"));
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String fieldPath = join(path, f.getKey());
      if (properties.has(f.getKey())) {
        check(f.getValue(), properties.get(f.getKey()), fieldPath, out);
        if (builtInRules) {
          knownValues(f.getKey(), f.getValue(), path, fieldPath, out);
        }
      } else if (additional.isObject()) {
        check(f.getValue(), additional, fieldPath, out);
      } else if (!preserve && !additional.asBoolean(false)) {
        out.add(new Violation(fieldPath, "unknown field \"" + f.getKey() + "\""));
      }
    }
  }

  /** The checks of kube-apiserver's validation code the schemas describe only in prose: enums, port names, counts. */
  private static void knownValues(String field, JsonNode value, String parentPath, String path, List<Violation> out) {
    if (value.isIntegralNumber() && COUNTS.contains(field) && value.bigIntegerValue().signum() < 0) {
      out.add(new Violation(path, "Invalid value: " + value.asText() + ": must be greater than or equal to 0"));
    }
    if (!value.isTextual()) {
      return;
    }
    Set<String> allowed = ENUMS.get(field);
    if ("protocol".equals(field)) {
      allowed = PROTOCOLS;
    }
    if (allowed != null && !allowed.contains(value.asText())) {
      out.add(new Violation(path, "Unsupported value: \"" + value.asText() + "\": supported values: \""
          + String.join("\", \"", new TreeSet<>(allowed)) + "\""));
    }
    if ("name".equals(field) && parentPath.matches(".*\\.ports\\[\\d+]") && !value.asText().isEmpty()
        && (value.asText().length() > 15 && parentPath.contains("containers") || !PORT_NAME.matcher(value.asText()).matches())) {
      out.add(new Violation(path, "Invalid value: \"" + value.asText() + "\": must be a DNS label"
          + (parentPath.contains("containers") ? " of at most 15 characters (an IANA service name)" : "")));
    }
  }

  /** Fields ValidateNonnegativeField guards (workload replicas, history and progress settings). */
  private static final Set<String> COUNTS = Set.of("replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds",
      "activeDeadlineSeconds", "terminationGracePeriodSeconds", "backoffLimit", "completions", "parallelism");

  private static void enumValue(JsonNode value, JsonNode allowed, String path, List<Violation> out) {
    for (JsonNode a : allowed) {
      if (a.equals(value)) {
        return;
      }
    }
    out.add(new Violation(path, "Unsupported value: " + value + ": supported values: " + allowed));
  }

  private static void checkMetadata(JsonNode metadata, List<Violation> out) {
    String name = metadata.path("name").asText("");
    if (!name.isEmpty() && (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches())) {
      out.add(new Violation("metadata.name", "Invalid value: \"" + name + "\": a lowercase RFC 1123 subdomain must consist of"
          + " lower case alphanumeric characters, '-' or '.'"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("labels").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      String key = label.getKey();
      String local = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
      if (!LABEL_NAME.matcher(local).matches()) {
        out.add(new Violation("metadata.labels", "Invalid value: \"" + key + "\": name part must be 63 characters or less,"
            + " alphanumeric, '-', '_' or '.'"));
      }
      String v = label.getValue().asText();
      if (label.getValue().isTextual() && (v.length() > 63 || !LABEL_VALUE.matcher(v).matches())) {
        out.add(new Violation("metadata.labels", "Invalid value: \"" + v + "\": a valid label must be 63 characters or less,"
            + " alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric"));
      }
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String describe(JsonNode value) {
    return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + (value.toString().length() > 40
        ? value.toString().substring(0, 37) + "..." : value.toString());
  }
}
