package io.smm.sandbox.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Field-by-field comparison of two Kubernetes objects the way the istio-operator's own tests
 * compare renders (dyff with order ignored and Kubernetes entity detection): list order does not
 * matter, list entries with a {@code name} are matched by name, other entries by value.
 * Each difference is one line: {@code <path>: expected <a>, got <b>} (or missing / extra).
 */
public final class ObjectDiff {

  private ObjectDiff() {}

  public static List<String> diff(JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    compare("", normalize(expected), normalize(actual), out);
    return out;
  }

  /** Lists of named entries become maps keyed "[name]"; other lists are sorted by their JSON. */
  public static JsonNode normalize(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      n.fields().forEachRemaining(e -> o.set(e.getKey(), normalize(e.getValue())));
      return o;
    }
    if (n.isArray()) {
      boolean named = n.size() > 0;
      for (JsonNode item : n) {
        named &= item.isObject() && item.path("name").isTextual();
      }
      if (named) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        n.forEach(item -> o.set("[" + item.path("name").asText() + "]", normalize(item)));
        return o;
      }
      var sorted = JsonNodeFactory.instance.arrayNode();
      TreeMap<String, JsonNode> byJson = new TreeMap<>();
      int i = 0;
      for (JsonNode item : n) {
        JsonNode norm = normalize(item);
        byJson.put(norm.toString() + "#" + i++, norm);
      }
      byJson.values().forEach(sorted::add);
      return sorted;
    }
    return n;
  }

  private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        String p = path + (k.startsWith("[") ? k : "." + k);
        if (!b.has(k)) {
          out.add(p + ": missing (expected " + abbreviate(a.get(k)) + ")");
        } else if (!a.has(k)) {
          out.add(p + ": extra (got " + abbreviate(b.get(k)) + ")");
        } else {
          compare(p, a.get(k), b.get(k), out);
        }
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ib = b.elements();
      for (int i = 0; ia.hasNext(); i++) {
        compare(path + "[" + i + "]", ia.next(), ib.next(), out);
      }
    } else if (!equalScalars(a, b)) {
      out.add(path + ": expected " + abbreviate(a) + ", got " + abbreviate(b));
    }
  }

  // YAML renders 1 and "1" alike in places Kubernetes accepts either (IntOrString); numbers compare by value.
  private static boolean equalScalars(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  /** Index key of an object: group/kind/namespace/name. */
  public static String key(JsonNode o) {
    String apiVersion = o.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return group + "/" + o.path("kind").asText() + "/" + o.at("/metadata/namespace").asText("") + "/" + o.at("/metadata/name").asText();
  }

  public static Map<String, JsonNode> index(List<JsonNode> objects) {
    Map<String, JsonNode> out = new TreeMap<>();
    objects.forEach(o -> out.put(key(o), o));
    return out;
  }
}
