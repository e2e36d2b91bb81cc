package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * kube-apiserver's validation of what is written: a built-in kind against the Kubernetes 1.25
 * OpenAPI schemas, a custom resource against its CRD's openAPIV3Schema (unknown fields refused,
 * as strict field validation does; apiVersion, kind and metadata are the API server's own). An
 * invalid object is answered {@code 422 Invalid} with every cause and its field path, and is not
 * stored. Kinds the sandbox has no schema for (review APIs) pass.
 */
final class SchemaAdmission {

  private static final String[] DOCUMENTS = {"api__v1", "apis__admissionregistration.k8s.io__v1", "apis__apiextensions.k8s.io__v1",
      "apis__apps__v1", "apis__autoscaling__v2", "apis__batch__v1", "apis__coordination.k8s.io__v1", "apis__networking.k8s.io__v1",
      "apis__policy__v1", "apis__rbac.authorization.k8s.io__v1"};

  private final OpenApiValidator builtIns;
  /** An API path's stored object (or list), or null. */
  private final Function<String, JsonNode> stored;

  SchemaAdmission(Function<String, JsonNode> stored) {
    this.stored = stored;
    List<JsonNode> docs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String name : DOCUMENTS) {
      try (InputStream in = new GZIPInputStream(SchemaAdmission.class.getResourceAsStream(
          "/kubernetes-openapi-v1.25/" + name + "_openapi.json.gz"))) {
        docs.add(json.readTree(in));
      } catch (IOException | NullPointerException e) {
        throw new IllegalStateException("the Kubernetes 1.25 schemas are missing from the sandbox jar: " + name, e);
      }
    }
    builtIns = new OpenApiValidator(docs);
  }

  /** The 422 answer for an object that may not be stored, or null when it may. */
  MockResponse refuse(JsonNode object) {
    if (object == null || !object.isObject() || !object.has("apiVersion") || !object.has("kind")) {
      return null;
    }
    List<OpenApiValidator.Violation> violations;
    if (builtIns.knows(object)) {
      violations = builtIns.validate(object);
    } else {
      JsonNode schema = crdSchema(object);
      if (schema == null) {
        return null;
      }
      ObjectNode body = ((ObjectNode) object).deepCopy();
      body.remove(List.of("apiVersion", "kind", "metadata"));
      ObjectNode rootSchema = ((ObjectNode) schema).deepCopy();
      if (rootSchema.path("properties") instanceof ObjectNode props) {
        props.remove(List.of("apiVersion", "kind", "metadata"));
      }
      violations = OpenApiValidator.validateAgainst(body, rootSchema);
    }
    return violations.isEmpty() ? null : invalid(object, violations);
  }

  /** The openAPIV3Schema of the CRD version serving the object's apiVersion and kind; null for no such CRD. */
  private JsonNode crdSchema(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String group = apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    JsonNode crds = stored.apply("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
    if (crds == null) {
      return null;
    }
    for (JsonNode crd : crds.path("items")) {
      if (group.equals(crd.at("/spec/group").asText()) && object.path("kind").asText().equals(crd.at("/spec/names/kind").asText())) {
        for (JsonNode v : crd.at("/spec/versions")) {
          if (version.equals(v.path("name").asText()) && v.at("/schema/openAPIV3Schema").isObject()) {
            return v.at("/schema/openAPIV3Schema");
          }
        }
      }
    }
    return null;
  }

  static MockResponse invalid(JsonNode object, List<OpenApiValidator.Violation> violations) {
    String kind = object.path("kind").asText();
    String apiVersion = object.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String name = object.at("/metadata/name").asText(object.at("/metadata/generateName").asText(""));
    List<String> parts = violations.stream().map(v -> v.field() + ": " + v.message()).toList();
    String message = kind + (group.isEmpty() ? "" : "." + group) + " \"" + name + "\" is invalid: " + (parts.size() == 1 ? parts.get(0)
        : "[" + String.join(", ", parts) + "]");
    var status = new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid").withMessage(message)
        .withNewDetails().withName(name).withGroup(group).withKind(kind)
        .withCauses(violations.stream().map(v -> new StatusCauseBuilder().withReason(v.message().startsWith("unknown field")
            ? "FieldValueNotSupported" : v.message().equals("Required value") ? "FieldValueRequired"
            : v.message().startsWith("Forbidden") ? "FieldValueForbidden" : "FieldValueInvalid")
            .withMessage(v.message()).withField(v.field()).build()).toList())
        .endDetails().build();
    return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json").setBody(Serialization.asJson(status));
  }

  static JsonNode parse(byte[] body) {
    try {
      return Serialization.jsonMapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
