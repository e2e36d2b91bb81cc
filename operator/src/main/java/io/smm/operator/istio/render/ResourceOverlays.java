package io.smm.operator.istio.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The istio-operator's {@code k8sResourceOverlays}: patches applied to the rendered objects that
 * match a {@code groupVersionKind} (empty parts match anything) and an optional {@code objectKey},
 * with the path language the operator uses (cppforlife/go-patch): {@code /key}, {@code /0},
 * {@code /-} (append), {@code /name=value} (the list entry with that field), and a trailing
 * {@code ?} on a segment to create it when missing (replace) or skip when missing (remove).
 * {@code type} is replace or remove; {@code parseValue} reads a string value as YAML.
 */
public final class ResourceOverlays {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ResourceOverlays() {}

  /** The objects with every matching overlay applied; an overlay that cannot apply is an IllegalArgumentException naming it. */
  public static List<HasMetadata> apply(List<HasMetadata> objects, JsonNode overlays) {
    if (overlays == null || !overlays.isArray() || overlays.isEmpty()) {
      return objects;
    }
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata object : objects) {
      ObjectNode json = Serialization.jsonMapper().valueToTree(object);
      boolean changed = false;
      for (int i = 0; i < overlays.size(); i++) {
        JsonNode overlay = overlays.get(i);
        if (!matches(overlay, json)) {
          continue;
        }
        JsonNode patches = overlay.path("patches");
        for (int p = 0; p < patches.size(); p++) {
          String where = "spec.k8sResourceOverlays[" + i + "].patches[" + p + "]";
          try {
            patch(json, patches.get(p));
          } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException(where + " on " + json.path("kind").asText() + " " + json.at("/metadata/name").asText()
                + ": " + e.getMessage(), e);
          }
          changed = true;
        }
      }
      out.add(changed ? (HasMetadata) Serialization.unmarshal(json.toString(), KubernetesResource.class) : object);
    }
    return out;
  }

  private static boolean matches(JsonNode overlay, JsonNode object) {
    JsonNode gvk = overlay.path("groupVersionKind");
    String apiVersion = object.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    return matches(gvk.path("group"), group) && matches(gvk.path("version"), version) && matches(gvk.path("kind"), object.path("kind").asText())
        && matches(overlay.at("/objectKey/name"), object.at("/metadata/name").asText())
        && matches(overlay.at("/objectKey/namespace"), object.at("/metadata/namespace").asText());
  }

  private static boolean matches(JsonNode wanted, String actual) {
    return wanted.isMissingNode() || wanted.isNull() || wanted.asText().isEmpty() || wanted.asText().equals(actual);
  }

  private static void patch(ObjectNode root, JsonNode patch) throws IOException {
    String type = patch.path("type").asText("replace");
    String path = patch.path("path").asText("");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': \"" + path + "\"");
    }
    JsonNode value = patch.path("value");
    if (patch.path("parseValue").asBoolean(false) && value.isTextual()) {
      value = YAML.readTree(value.asText());
    }
    String[] segments = path.substring(1).split("/", -1);
    JsonNode node = root;
    for (int i = 0; i < segments.length - 1; i++) {
      JsonNode next = child(node, segments[i], "remove".equals(type) ? null : segments[i + 1]);
      if (next == null) {
        if ("remove".equals(type) && optional(segments[i])) {
          return;
        }
        throw new IllegalArgumentException("no \"" + segments[i] + "\" in " + path);
      }
      node = next;
    }
    String last = segments[segments.length - 1];
    switch (type) {
      case "replace" -> set(node, last, value, path);
      case "remove" -> remove(node, last, path);
      default -> throw new IllegalArgumentException("type must be replace or remove, got \"" + type + "\"");
    }
  }

  private static boolean optional(String segment) {
    return segment.endsWith("?");
  }

  private static String bare(String segment) {
    return optional(segment) ? segment.substring(0, segment.length() - 1) : segment;
  }

  /** The child a segment names; created (shaped for the next segment) when the segment is optional and {@code nextSegment} given. */
  private static JsonNode child(JsonNode node, String segment, String nextSegment) {
    String key = bare(segment);
    if (node instanceof ObjectNode o) {
      JsonNode c = o.get(key);
      if (c == null && optional(segment) && nextSegment != null) {
        c = looksLikeIndex(nextSegment) ? o.putArray(key) : o.putObject(key);
      }
      return c;
    }
    if (node instanceof ArrayNode a) {
      if (key.contains("=")) {
        String field = key.substring(0, key.indexOf('='));
        String wanted = key.substring(key.indexOf('=') + 1);
        for (JsonNode item : a) {
          if (wanted.equals(item.path(field).asText(null))) {
            return item;
          }
        }
        if (optional(segment) && nextSegment != null) {
          return a.addObject().put(field, wanted);
        }
        return null;
      }
      int index = index(a, key);
      return index >= 0 && index < a.size() ? a.get(index) : null;
    }
    return null;
  }

  private static boolean looksLikeIndex(String segment) {
    String s = bare(segment);
    return s.equals("-") || s.matches("-?\\d+") || s.contains("=");
  }

  private static int index(ArrayNode a, String key) {
    if (!key.matches("-?\\d+")) {
      throw new IllegalArgumentException("\"" + key + "\" is not an index of a list");
    }
    int i = Integer.parseInt(key);
    return i < 0 ? a.size() + i : i;
  }

  private static void set(JsonNode node, String segment, JsonNode value, String path) {
    String key = bare(segment);
    if (node instanceof ObjectNode o) {
      if (!o.has(key) && !optional(segment)) {
        throw new IllegalArgumentException("no \"" + key + "\" in " + path + " (end the segment with ? to create it)");
      }
      o.set(key, value.deepCopy());
    } else if (node instanceof ArrayNode a) {
      if (key.equals("-")) {
        a.add(value.deepCopy());
      } else if (key.contains("=")) {
        JsonNode match = child(a, segment, null);
        if (match == null && !optional(segment)) {
          throw new IllegalArgumentException("no list entry " + key + " in " + path);
        }
        if (match != null) {
          int i = 0;
          while (a.get(i) != match) {
            i++;
          }
          a.set(i, value.deepCopy());
        } else {
          a.add(value.deepCopy());
        }
      } else {
        int i = index(a, key);
        if (i < 0 || i >= a.size()) {
          throw new IllegalArgumentException("index " + key + " is out of range in " + path);
        }
        a.set(i, value.deepCopy());
      }
    } else {
      throw new IllegalArgumentException(path + " does not lead to an object or a list");
    }
  }

  private static void remove(JsonNode node, String segment, String path) {
    String key = bare(segment);
    if (node instanceof ObjectNode o) {
      if (o.remove(key) == null && !optional(segment)) {
        throw new IllegalArgumentException("no \"" + key + "\" to remove in " + path);
      }
    } else if (node instanceof ArrayNode a) {
      JsonNode match = key.contains("=") ? child(a, segment, null) : null;
      int i = match != null ? indexOf(a, match) : key.contains("=") ? -1 : index(a, key);
      if (i < 0 || i >= a.size()) {
        if (!optional(segment)) {
          throw new IllegalArgumentException("no list entry " + key + " to remove in " + path);
        }
        return;
      }
      a.remove(i);
    }
  }

  private static int indexOf(ArrayNode a, JsonNode item) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) == item) {
        return i;
      }
    }
    return -1;
  }
}
