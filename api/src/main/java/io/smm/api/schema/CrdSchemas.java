package io.smm.api.schema;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrBoolBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a {@link Schema} into the structural openAPIV3Schema of a CRD version. */
public final class CrdSchemas {

  private CrdSchemas() {}

  public static JSONSchemaProps toOpenApi(Schema schema) {
    JSONSchemaPropsBuilder b = new JSONSchemaPropsBuilder();
    if (schema.description() != null && !schema.description().isEmpty()) {
      b.withDescription(schema.description());
    }
    if (schema instanceof Schema.ObjectSchema o) {
      b.withType("object");
      Map<String, JSONSchemaProps> props = new LinkedHashMap<>();
      o.fields().forEach((k, v) -> props.put(k, toOpenApi(v)));
      b.withProperties(props);
      if (!o.required().isEmpty()) {
        b.withRequired(o.required());
      }
      if (o.openFields()) {
        b.withXKubernetesPreserveUnknownFields(true);
      }
    } else if (schema instanceof Schema.MapSchema m) {
      b.withType("object").withAdditionalProperties(new JSONSchemaPropsOrBoolBuilder().withSchema(toOpenApi(m.values())).build());
    } else if (schema instanceof Schema.ArraySchema a) {
      b.withType("array").withNewItems().withSchema(toOpenApi(a.items())).endItems();
    } else if (schema instanceof Schema.Scalar s) {
      b.withType(s.type());
      if (!s.allowed().isEmpty()) {
        b.withEnum(s.allowed().stream().map(v -> (JsonNode) TextNode.valueOf(v)).toList());
      }
      if (s.pattern() != null) {
        b.withPattern(s.pattern());
      }
      if (s.int32()) {
        b.withFormat("int32");
      }
      if (s.minimum() != null) {
        b.withMinimum(s.minimum().doubleValue());
      }
      if (s.maximum() != null && !(s.int32() && s.maximum() == Integer.MAX_VALUE)) { // int32 says that much already
        b.withMaximum(s.maximum().doubleValue());
      }
    } else {
      b.withXKubernetesPreserveUnknownFields(true);
    }
    return b.build();
  }
}
