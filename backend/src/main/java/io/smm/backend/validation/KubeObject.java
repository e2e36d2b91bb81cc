package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One Kubernetes object as the checks see it: kind, identity and its whole body as JSON, so
 * core objects (pods, services) and Istio's kinds are read the same way.
 */
public record KubeObject(String group, String kind, String namespace, String name, JsonNode body, String origin) {

  /** apiVersion "networking.istio.io/v1beta1" -> group "networking.istio.io"; "v1" -> "". */
  public static KubeObject of(JsonNode body) {
    return of(body, "");
  }

  /** An object read from a file: {@code origin} says where ("mesh/vs.yaml:12"). */
  public static KubeObject of(JsonNode body, String origin) {
    String apiVersion = body.path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonNode meta = body.path("metadata");
    return new KubeObject(group, body.path("kind").asText(""), meta.path("namespace").asText(""), meta.path("name").asText(""), body,
        origin);
  }

  /** Istio's name for the resource in analyzer messages: "VirtualService default/reviews", or "Gateway gw" without a namespace. */
  public String istioName() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }

  public JsonNode spec() {
    return body.path("spec");
  }

  public Map<String, String> labels() {
    return strings(body.path("metadata").path("labels"));
  }

  public Map<String, String> annotations() {
    return strings(body.path("metadata").path("annotations"));
  }

  public String resourceVersion() {
    return body.path("metadata").path("resourceVersion").asText("");
  }

  /**
   * The seed's subject key, {@code <kind>.<group>:<cluster>:<namespace>:<name>} in lower case
   * ("gateway.networking.istio.io:master:istio-system:demo-gw"); core kinds have no group
   * ("secret:master:istio-system:example-wildcard-cert"), cluster-scoped ones an empty namespace.
   */
  public String key(String cluster) {
    String type = kind.toLowerCase(Locale.ROOT) + (group.isEmpty() ? "" : "." + group);
    return type + ":" + cluster + ":" + namespace + ":" + name;
  }

  public boolean sameAs(KubeObject other) {
    return kind.equals(other.kind) && namespace.equals(other.namespace) && name.equals(other.name);
  }

  public boolean is(String kindName) {
    return kind.equals(kindName);
  }

  static Map<String, String> strings(JsonNode map) {
    Map<String, String> out = new LinkedHashMap<>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
