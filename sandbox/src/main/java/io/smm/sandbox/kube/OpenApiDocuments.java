package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Minimal OpenAPI v3 documents: per group/version, one path per resource whose PATCH operation
 * names its group/version/kind and the fieldValidation query parameter. That is what kubectl
 * inspects to decide that the server validates fields itself, so `kubectl apply` works without
 * --validate=false. No schemas are served: the sandbox stores objects as sent (documented).
 */
final class OpenApiDocuments {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OpenApiDocuments() {}

  /** GET /openapi/v3: the discovery document listing one entry per group/version. */
  static ObjectNode root(List<BuiltInResources.Resource> resources) {
    ObjectNode root = F.objectNode();
    ObjectNode paths = root.putObject("paths");
    for (BuiltInResources.Resource r : resources) {
      String key = key(r.group(), r.version());
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=sandbox");
    }
    return root;
  }

  /** GET /openapi/v3/apis/{group}/{version} (or api/v1). */
  static ObjectNode groupVersion(String group, String version, List<BuiltInResources.Resource> resources) {
    ObjectNode doc = F.objectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "smm sandbox").put("version", EmbeddedApiServer.KUBERNETES_VERSION);
    ObjectNode paths = doc.putObject("paths");
    String prefix = "/" + key(group, version);
    for (BuiltInResources.Resource r : resources) {
      if (!r.group().equals(group) || !r.version().equals(version)) {
        continue;
      }
      String path = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.putObject("x-kubernetes-group-version-kind").put("group", r.group()).put("version", r.version()).put("kind", r.kind());
      ArrayNode params = patch.putArray("parameters");
      params.addObject().put("name", "fieldValidation").put("in", "query").putObject("schema").put("type", "string");
      params.addObject().put("name", "fieldManager").put("in", "query").putObject("schema").put("type", "string");
    }
    doc.putObject("components").putObject("schemas");
    return doc;
  }

  static String key(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }
}
