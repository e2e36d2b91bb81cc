package io.smm.operator.istio.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Helm values built the way the istio-operator's values templates build them: a setting is
 * written only when the custom resource has it ({@code valueIf} / {@code toYamlIf}: absent, null,
 * "" and empty lists or maps are left out, so the chart's default applies), and Kubernetes types
 * written in the CRD's protobuf shape are turned back into their JSON shape.
 */
final class ValueTree {

  private ValueTree() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Sets {@code key} to {@code value} when the resource has a value there; returns {@code into}. */
  static ObjectNode putIf(ObjectNode into, String key, JsonNode value) {
    if (isSet(value)) {
      into.set(key, kubernetesJson(value.deepCopy()));
    }
    return into;
  }

  static boolean isSet(JsonNode value) {
    return value != null && !value.isMissingNode() && !value.isNull()
        && !(value.isTextual() && value.asText().isEmpty()) && !(value.isContainerNode() && value.isEmpty());
  }

  /** {@code at} for dotted paths, e.g. {@code at(spec, "istiod.deployment.replicas")}. */
  static JsonNode at(JsonNode node, String dotted) {
    return node.at("/" + dotted.replace('.', '/'));
  }

  /**
   * The CRD carries Kubernetes types as the operator's protobuf messages declare them, with the Go
   * structs Kubernetes inlines in JSON as named fields ({@code volumeSource} of a Volume,
   * {@code localObjectReference} of ConfigMap and Secret references); Kubernetes objects need them
   * inlined again.
   */
  static JsonNode kubernetesJson(JsonNode node) {
    if (node.isArray()) {
      for (JsonNode item : node) {
        kubernetesJson(item);
      }
    } else if (node instanceof ObjectNode o) {
      for (String inlined : new String[] {"volumeSource", "localObjectReference"}) {
        JsonNode inner = o.remove(inlined);
        if (inner instanceof ObjectNode io) {
          o.setAll(io);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        kubernetesJson(it.next().getValue());
      }
    }
    return node;
  }

  /**
   * The {@code service} values of the operator's workload charts from a CR's service settings
   * (the same block in its istio-meshgateway and istio-sidecar-injector templates): the type always,
   * each other Service field when set.
   */
  static ObjectNode service(JsonNode service) {
    ObjectNode s = object().put("type", service.path("type").asText(""));
    for (String key : new String[] {"metadata", "ports", "selector", "clusterIP", "externalIPs", "sessionAffinity", "loadBalancerIP",
        "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses",
        "sessionAffinityConfig", "ipFamily"}) {
      putIf(s, key, service.path(key));
    }
    return s;
  }

  /** A Helm-style deep merge: objects merge key by key, anything else is replaced. */
  static ObjectNode mergeOverwrite(ObjectNode base, JsonNode overlay) {
    if (overlay == null || !overlay.isObject()) {
      return base;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode mine = base.get(e.getKey());
      if (mine instanceof ObjectNode mo && e.getValue().isObject()) {
        mergeOverwrite(mo, e.getValue());
      } else {
        base.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return base;
  }
}
