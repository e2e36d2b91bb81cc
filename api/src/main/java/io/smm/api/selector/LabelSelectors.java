package io.smm.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Kubernetes LabelSelector (matchLabels and matchExpressions) evaluation; an absent selector matches everything. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /** A label selector as Kubernetes prints it: "app=x,istio=ingressgateway", keys sorted. */
  public static String text(Map<String, String> selector) {
    return String.join(",", new TreeMap<>(selector).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  public static boolean matches(JsonNode selector, Map<String, String> labels) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return true;
    }
    var wanted = selector.path("matchLabels").fields();
    while (wanted.hasNext()) {
      var e = wanted.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode e : selector.path("matchExpressions")) {
      String key = e.path("key").asText();
      Set<String> values = new HashSet<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      boolean ok = switch (e.path("operator").asText()) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> false; // kube-apiserver refuses other operators; an invalid selector selects nothing
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
