package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch, as far as `kubectl apply` and `kubectl patch` use it on the
 * built-in kinds: a JSON merge patch in which lists of objects with a known merge key (containers
 * by name, container ports by containerPort, ...) are merged element by element, plus the
 * directives $patch (delete/replace), $retainKeys and $deleteFromPrimitiveList. $setElementOrder
 * only orders elements and is ignored. The merge keys come from the Kubernetes API's
 * patchMergeKey tags, applied by field name rather than per type.
 */
final class StrategicMergePatch {

  static final Map<String, String> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", "name"),
      Map.entry("initContainers", "name"),
      Map.entry("ephemeralContainers", "name"),
      Map.entry("env", "name"),
      Map.entry("volumes", "name"),
      Map.entry("volumeMounts", "mountPath"),
      Map.entry("volumeDevices", "devicePath"),
      Map.entry("imagePullSecrets", "name"),
      Map.entry("hostAliases", "ip"),
      Map.entry("conditions", "type"),
      Map.entry("topologySpreadConstraints", "topologyKey"),
      Map.entry("ownerReferences", "uid"),
      Map.entry("resourceClaims", "name"));
  private static final Set<String> RESERVED = Set.of("$patch", "$retainKeys");

  private StrategicMergePatch() {}

  /** Applies {@code patch} to a copy of {@code target}. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
    if ("replace".equals(patch.path("$patch").asText())) {
      ObjectNode replaced = ((ObjectNode) patch).deepCopy();
      replaced.remove("$patch");
      return replaced;
    }
    JsonNode retain = patch.get("$retainKeys");
    if (retain != null && retain.isArray()) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      result.retain(keep);
    }
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey();
      JsonNode value = f.getValue();
      if (RESERVED.contains(name) || name.startsWith("$setElementOrder/")) {
        continue;
      }
      if (name.startsWith("$deleteFromPrimitiveList/")) {
        String list = name.substring("$deleteFromPrimitiveList/".length());
        if (result.get(list) instanceof ArrayNode current) {
          Set<JsonNode> remove = new HashSet<>();
          value.forEach(remove::add);
          ArrayNode kept = current.arrayNode();
          current.forEach(v -> {
            if (!remove.contains(v)) {
              kept.add(v);
            }
          });
          result.set(list, kept);
        }
        continue;
      }
      if (value.isNull()) {
        result.remove(name);
      } else if (value.isObject()) {
        result.set(name, apply(result.get(name), value));
      } else if (value.isArray() && result.get(name) instanceof ArrayNode current && mergeKey(name, value, current) != null) {
        result.set(name, mergeList(current, (ArrayNode) value, mergeKey(name, value, current)));
      } else {
        result.set(name, value.deepCopy());
      }
    }
    return result;
  }

  private static String mergeKey(String field, JsonNode patchList, ArrayNode current) {
    if (field.equals("ports")) {
      // Container ports merge on containerPort, Service ports on port.
      JsonNode sample = patchList.size() > 0 ? patchList.get(0) : current.size() > 0 ? current.get(0) : null;
      return sample != null && sample.has("containerPort") ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static ArrayNode mergeList(ArrayNode current, ArrayNode patch, String key) {
    if (patch.size() == 1 && "replace".equals(patch.get(0).path("$patch").asText())) {
      return patch.arrayNode();
    }
    ArrayNode result = current.deepCopy();
    for (JsonNode element : patch) {
      if (!element.isObject() || !element.has(key)) {
        result.add(element.deepCopy());
        continue;
      }
      int index = indexOf(result, key, element.get(key));
      if ("delete".equals(element.path("$patch").asText())) {
        if (index >= 0) {
          result.remove(index);
        }
      } else if (index >= 0) {
        result.set(index, apply(result.get(index), element));
      } else {
        ObjectNode added = ((ObjectNode) element).deepCopy();
        added.remove("$patch");
        result.add(apply(null, added));
      }
    }
    return result;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (value.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }
}
