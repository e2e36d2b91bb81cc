package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.api.selector.LabelSelectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ResourceSyncRule as the sync works with it (cisco-open/cluster-registry-controller's
 * api/v1alpha1/resourcesyncrule_match.go): the kind, the peers it reads from (clusterFeatureMatch) and
 * the rules; an object is synced when any rule matches it, and the matched rules' mutations shape the copy.
 *
 * @param name the ResourceSyncRule's name
 * @param spec its spec, as written (compared to notice a changed rule)
 */
record SyncRule(String name, Gvk gvk, List<JsonNode> featureMatches, List<JsonNode> rules, JsonNode spec) {

  /** A group/version/kind; the core group is "". */
  record Gvk(String group, String version, String kind) {
    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    static Gvk of(JsonNode n) {
      return new Gvk(n.path("group").asText(""), n.path("version").asText(""), n.path("kind").asText(""));
    }

    static Gvk ofObject(JsonNode object) {
      String apiVersion = object.path("apiVersion").asText("");
      int slash = apiVersion.indexOf('/');
      return new Gvk(slash < 0 ? "" : apiVersion.substring(0, slash), apiVersion.substring(slash + 1), object.path("kind").asText(""));
    }
  }

  /** A rule the controller cannot follow, with why. */
  static final class InvalidRule extends Exception {
    InvalidRule(String message) {
      super(message);
    }
  }

  static SyncRule of(JsonNode resource) throws InvalidRule {
    String name = resource.at("/metadata/name").asText();
    JsonNode spec = resource.path("spec");
    Gvk gvk = Gvk.of(spec.path("groupVersionKind"));
    if (gvk.version().isEmpty() || gvk.kind().isEmpty()) {
      throw new InvalidRule("spec.groupVersionKind needs a version and a kind");
    }
    List<JsonNode> rules = new ArrayList<>();
    spec.path("rules").forEach(rules::add);
    for (int i = 0; i < rules.size(); i++) {
      String problem = Overrides.problem(rules.get(i).at("/mutations/overrides"));
      if (problem != null) {
        throw new InvalidRule("spec.rules[" + i + "].mutations." + problem);
      }
    }
    List<JsonNode> features = new ArrayList<>();
    spec.path("clusterFeatureMatch").forEach(features::add);
    return new SyncRule(name, gvk, features, rules, spec);
  }

  /** The kind the copies are written as: the source's unless a rule's mutation changes it. */
  Gvk localGvk() {
    Gvk out = gvk;
    for (JsonNode rule : rules) {
      Gvk to = Gvk.of(rule.at("/mutations/groupVersionKind"));
      out = new Gvk(to.group().isEmpty() ? out.group() : to.group(), to.version().isEmpty() ? out.version() : to.version(),
          to.kind().isEmpty() ? out.kind() : to.kind());
    }
    return out;
  }

  /** Whether copies may be named otherwise than their sources (an override of the name or namespace). */
  boolean renames() {
    for (JsonNode rule : rules) {
      for (JsonNode o : rule.at("/mutations/overrides")) {
        String path = o.path("path").asText();
        if (path.equals("/metadata/name") || path.equals("/metadata/namespace") || path.equals("/metadata")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The rules that match the object; none when no rule does. A rule without match matches everything. */
  List<JsonNode> matching(JsonNode object) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode rule : rules) {
      JsonNode matches = rule.path("match");
      boolean any = !matches.isArray() || matches.isEmpty();
      for (JsonNode m : matches) {
        any = any || matches(m, object);
      }
      if (any) {
        out.add(rule);
      }
    }
    return out;
  }

  /** Whether a peer with these ClusterFeatures (their objects) is a source for this rule: every featureMatch finds one. */
  boolean readsFrom(List<JsonNode> peerFeatures) {
    for (JsonNode wanted : featureMatches) {
      boolean found = false;
      for (JsonNode feature : peerFeatures) {
        String featureName = wanted.path("featureName").asText("");
        found = found || (featureName.isEmpty() || featureName.equals(feature.at("/spec/featureName").asText()))
            && LabelSelectors.matches(wanted, strings(feature.at("/metadata/labels")));
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** One match entry: every field it sets must hold. */
  private static boolean matches(JsonNode m, JsonNode object) {
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText();
    String namespace = meta.path("namespace").asText("");
    String keyName = m.at("/objectKey/name").asText("");
    String keyNamespace = m.at("/objectKey/namespace").asText("");
    if (!keyName.isEmpty() && !keyName.equals(name) || !keyNamespace.isEmpty() && !keyNamespace.equals(namespace)) {
      return false;
    }
    if (m.path("namespaces").size() > 0 && !namespace.isEmpty()) {
      boolean in = false;
      for (JsonNode ns : m.path("namespaces")) {
        in = in || ns.asText().equals(namespace);
      }
      if (!in) {
        return false;
      }
    }
    if (m.path("labels").size() > 0 && !anySelects(m.path("labels"), strings(meta.path("labels")))) {
      return false;
    }
    if (m.path("annotations").size() > 0) {
      List<JsonNode> selectors = new ArrayList<>();
      for (JsonNode a : m.path("annotations")) {
        // An annotation selector is a label selector over the annotations (matchAnnotations as matchLabels).
        ObjectNode selector = Json.object();
        selector.set("matchLabels", a.path("matchAnnotations"));
        selector.set("matchExpressions", a.path("matchExpressions"));
        selectors.add(selector);
      }
      if (!anySelects(Json.array(selectors), strings(meta.path("annotations")))) {
        return false;
      }
    }
    for (JsonNode c : m.path("content")) {
      JsonNode found = object.at("/" + c.path("key").asText().replace('.', '/'));
      JsonNode value = c.path("value");
      if (found.isMissingNode() || !(value.isNumber() ? found.isNumber() && found.asLong() == value.asLong()
          : found.asText().equals(value.asText()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean anySelects(JsonNode selectors, Map<String, String> labels) {
    for (JsonNode s : selectors) {
      if (LabelSelectors.matches(s, labels)) {
        return true;
      }
    }
    return false;
  }

  static Map<String, String> strings(JsonNode map) {
    Map<String, String> out = new HashMap<>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
