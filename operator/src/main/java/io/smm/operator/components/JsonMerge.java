package io.smm.operator.components;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** RFC 7396 JSON merge: objects merge key by key, null deletes, anything else replaces. */
public final class JsonMerge {

  private JsonMerge() {}

  public static JsonNode merge(JsonNode base, JsonNode overlay) {
    if (overlay == null || !overlay.isObject() || base == null || !base.isObject()) {
      return overlay == null ? base : overlay.deepCopy();
    }
    ObjectNode result = ((ObjectNode) base).deepCopy();
    overlay.fields().forEachRemaining(e -> {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
      }
    });
    return result;
  }
}
