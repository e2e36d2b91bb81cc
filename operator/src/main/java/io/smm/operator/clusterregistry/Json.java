package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/** Kubernetes objects as JSON trees: the sync works on any kind. */
final class Json {

  private Json() {}

  static ObjectNode object() {
    return Serialization.jsonMapper().createObjectNode();
  }

  static ArrayNode array(List<JsonNode> items) {
    return Serialization.jsonMapper().createArrayNode().addAll(items);
  }

  static ObjectNode tree(Object resource) {
    return Serialization.jsonMapper().valueToTree(resource);
  }

  static GenericKubernetesResource resource(JsonNode tree) {
    return Serialization.jsonMapper().convertValue(tree, GenericKubernetesResource.class);
  }
}
