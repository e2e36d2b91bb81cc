package io.smm.api.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a resource against its {@link Schema} and reports every problem with its field path
 * (".spec.smm.prometheus.replicas: must be an integer, got \"two\""), as kube-apiserver's strict
 * field validation does.
 */
public final class SchemaValidator {

  /** One problem at one field. */
  public record Violation(String path, String message) {
    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  private SchemaValidator() {}

  public static List<Violation> validate(JsonNode value, Schema schema, String path) {
    List<Violation> out = new ArrayList<>();
    check(value, schema, path, out);
    return out;
  }

  private static void check(JsonNode value, Schema schema, String path, List<Violation> out) {
    if (value == null || value.isNull() || schema instanceof Schema.Any) {
      return;
    }
    if (schema instanceof Schema.ObjectSchema o) {
      if (!value.isObject()) {
        out.add(new Violation(path, "must be an object, got " + describe(value)));
        return;
      }
      for (String required : o.required()) {
        if (!value.has(required) || value.get(required).isNull()) {
          out.add(new Violation(path + "." + required, "is required"));
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        Schema fieldSchema = o.fields().get(f.getKey());
        if (fieldSchema != null) {
          check(f.getValue(), fieldSchema, path + "." + f.getKey(), out);
        } else if (!o.openFields()) {
          out.add(new Violation(path + "." + f.getKey(), "unknown field" + suggestion(f.getKey(), o)));
        }
      }
    } else if (schema instanceof Schema.MapSchema m) {
      if (!value.isObject()) {
        out.add(new Violation(path, "must be a map, got " + describe(value)));
        return;
      }
      value.fields().forEachRemaining(e -> check(e.getValue(), m.values(), path + "." + e.getKey(), out));
    } else if (schema instanceof Schema.ArraySchema a) {
      if (!value.isArray()) {
        out.add(new Violation(path, "must be a list, got " + describe(value)));
        return;
      }
      for (int i = 0; i < value.size(); i++) {
        check(value.get(i), a.items(), path + "[" + i + "]", out);
      }
    } else if (schema instanceof Schema.Scalar s) {
      checkScalar(value, s, path, out);
    }
  }

  private static void checkScalar(JsonNode value, Schema.Scalar s, String path, List<Violation> out) {
    boolean ok = switch (s.type()) {
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
    if (!ok) {
      out.add(new Violation(path, "must be " + article(s.type()) + ", got " + describe(value)));
      return;
    }
    // Messages as kube-apiserver words them for a CRD's minimum and maximum.
    if (s.minimum() != null && value.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(s.minimum())) < 0) {
      out.add(new Violation(path, "should be greater than or equal to " + s.minimum() + ", got " + value.asText()));
    }
    if (s.maximum() != null && value.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(s.maximum())) > 0) {
      out.add(new Violation(path, "should be less than or equal to " + s.maximum() + ", got " + value.asText()));
    }
    if (!s.allowed().isEmpty() && !s.allowed().contains(value.asText())) {
      out.add(new Violation(path, "must be one of " + String.join(", ", s.allowed()) + ", got \"" + value.asText() + "\""));
    }
    if (s.pattern() != null && !Pattern.matches(s.pattern(), value.asText())) {
      out.add(new Violation(path, "\"" + value.asText() + "\" does not match " + s.pattern()));
    }
  }

  private static String suggestion(String unknown, Schema.ObjectSchema o) {
    return o.fields().keySet().stream()
        .filter(k -> k.equalsIgnoreCase(unknown) || distance(k.toLowerCase(), unknown.toLowerCase()) <= 2)
        .findFirst().map(k -> " (did you mean \"" + k + "\"?)").orElse("");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length()];
  }

  private static String article(String type) {
    return (type.startsWith("i") ? "an " : "a ") + type;
  }

  private static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "\"" + v.asText() + "\"";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.toString();
  }
}
