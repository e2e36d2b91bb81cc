package io.smm.api.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.smm.api.schema.SchemaValidator.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kubernetes values a ControlPlane passes on to its pods (resources, tolerations, nodeSelector,
 * affinity), checked as kube-apiserver checks them in a pod template, so that a mistake is refused
 * with its ControlPlane field path before anything is written instead of failing a Deployment
 * write halfway through a reconcile.
 */
public final class PodSettings {

  private static final Set<String> RESOURCE_KEYS = Set.of("requests", "limits", "claims");
  private static final Set<String> TOLERATION_KEYS = Set.of("key", "operator", "value", "effect", "tolerationSeconds");
  private static final Set<String> AFFINITY_KEYS = Set.of("nodeAffinity", "podAffinity", "podAntiAffinity");
  private static final Set<String> EFFECTS = Set.of("", "NoSchedule", "PreferNoSchedule", "NoExecute");

  private PodSettings() {}

  /** Every problem of every pod setting anywhere in the spec. */
  public static List<Violation> validate(JsonNode spec) {
    List<Violation> out = new ArrayList<>();
    walk(spec, ".spec", out);
    return out;
  }

  private static void walk(JsonNode node, String path, List<Violation> out) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = path + "." + e.getKey();
      switch (e.getKey()) {
        case "resources" -> resources(e.getValue(), at, out);
        case "tolerations" -> tolerations(e.getValue(), at, out);
        case "nodeSelector" -> nodeSelector(e.getValue(), at, out);
        case "affinity" -> affinity(e.getValue(), at, out);
        default -> walk(e.getValue(), at, out);
      }
    }
  }

  static void resources(JsonNode r, String path, List<Violation> out) {
    if (!r.isObject()) {
      out.add(new Violation(path, "must be an object with requests and limits"));
      return;
    }
    r.fieldNames().forEachRemaining(k -> {
      if (!RESOURCE_KEYS.contains(k)) {
        out.add(new Violation(path + "." + k, "unknown field; resources take requests and limits"));
      }
    });
    Map<String, BigDecimal> requests = quantities(r.path("requests"), path + ".requests", out);
    Map<String, BigDecimal> limits = quantities(r.path("limits"), path + ".limits", out);
    requests.forEach((name, amount) -> {
      BigDecimal limit = limits.get(name);
      if (limit != null && amount.compareTo(limit) > 0) {
        // kube-apiserver's words for the same pod template
        out.add(new Violation(path + ".requests." + name, "Invalid value: \"" + r.path("requests").path(name).asText()
            + "\": must be less than or equal to " + name + " limit (" + r.path("limits").path(name).asText() + ")"));
      }
    });
  }

  private static Map<String, BigDecimal> quantities(JsonNode map, String path, List<Violation> out) {
    Map<String, BigDecimal> amounts = new java.util.LinkedHashMap<>();
    if (map.isMissingNode() || map.isNull()) {
      return amounts;
    }
    if (!map.isObject()) {
      out.add(new Violation(path, "must be a map of resource name to quantity, e.g. cpu: 500m"));
      return amounts;
    }
    map.fields().forEachRemaining(e -> {
      String text = e.getValue().isNumber() ? e.getValue().asText() : e.getValue().isTextual() ? e.getValue().asText() : null;
      try {
        BigDecimal amount = Quantity.getAmountInBytes(Quantity.parse(text));
        if (amount.signum() < 0) {
          out.add(new Violation(path + "." + e.getKey(), "Invalid value: \"" + text + "\": must be greater than or equal to 0"));
        } else {
          amounts.put(e.getKey(), amount);
        }
      } catch (RuntimeException bad) {
        out.add(new Violation(path + "." + e.getKey(), "Invalid value: \"" + e.getValue().asText()
            + "\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      }
    });
    return amounts;
  }

  static void tolerations(JsonNode t, String path, List<Violation> out) {
    if (!t.isArray()) {
      out.add(new Violation(path, "must be a list of tolerations"));
      return;
    }
    for (int i = 0; i < t.size(); i++) {
      JsonNode one = t.get(i);
      String at = path + "[" + i + "]";
      if (!one.isObject()) {
        out.add(new Violation(at, "must be an object (key, operator, value, effect)"));
        continue;
      }
      one.fieldNames().forEachRemaining(k -> {
        if (!TOLERATION_KEYS.contains(k)) {
          out.add(new Violation(at + "." + k, "unknown field; a toleration has key, operator, value, effect, tolerationSeconds"));
        }
      });
      String operator = one.path("operator").asText("Equal");
      if (!operator.equals("Equal") && !operator.equals("Exists")) {
        out.add(new Violation(at + ".operator", "Unsupported value: \"" + operator + "\": supported values: \"Equal\", \"Exists\""));
      } else if (operator.equals("Exists") && !one.path("value").asText("").isEmpty()) {
        out.add(new Violation(at + ".operator", "Invalid value: \"Exists\": value must be empty when `operator` is 'Exists'"));
      }
      if (!EFFECTS.contains(one.path("effect").asText(""))) {
        out.add(new Violation(at + ".effect", "Unsupported value: \"" + one.path("effect").asText()
            + "\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
      }
    }
  }

  static void nodeSelector(JsonNode n, String path, List<Violation> out) {
    if (!n.isObject()) {
      out.add(new Violation(path, "must be a map of node label to value"));
      return;
    }
    n.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        out.add(new Violation(path + "." + e.getKey(), "must be a string (quote numbers and booleans)"));
      }
    });
  }

  static void affinity(JsonNode a, String path, List<Violation> out) {
    if (!a.isObject()) {
      out.add(new Violation(path, "must be an object (nodeAffinity, podAffinity, podAntiAffinity)"));
      return;
    }
    a.fieldNames().forEachRemaining(k -> {
      if (!AFFINITY_KEYS.contains(k)) {
        out.add(new Violation(path + "." + k, "unknown field; affinity has nodeAffinity, podAffinity, podAntiAffinity"));
      }
    });
  }
}
