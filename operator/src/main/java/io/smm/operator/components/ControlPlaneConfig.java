package io.smm.operator.components;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read access to the effective ControlPlane spec (defaults, user values and managed settings
 * merged), and what the reconcile read from the cluster for it: the image pull secrets that
 * registryAccess.pullSecrets names, which are copied to every product namespace, and the names of
 * the copies made before (so that a registry removed from the list loses its copies too); and, for a
 * passive ControlPlane, the addresses of the active cluster's meshexpansion gateway, where its
 * access logs and spans go (seed 2.7.1.1: peers reach the primary's gateway on 50600 and 59411).
 */
public record ControlPlaneConfig(String name, ObjectNode spec, Map<String, Secret> pullSecrets, Set<String> pullSecretCopies,
    List<String> activeGateways) {

  public ControlPlaneConfig(String name, ObjectNode spec) {
    this(name, spec, Map.of(), Set.of(), List.of());
  }

  /** The same configuration with the pull secrets read from the cluster, by name, and the names of the existing copies. */
  public ControlPlaneConfig withPullSecrets(Map<String, Secret> secrets, Set<String> copies) {
    return new ControlPlaneConfig(name, spec, Map.copyOf(secrets), Set.copyOf(copies), activeGateways);
  }

  /** The same configuration with the active cluster's meshexpansion gateway addresses, as the cluster registry copied them here. */
  public ControlPlaneConfig withActiveGateways(List<String> addresses) {
    return new ControlPlaneConfig(name, spec, pullSecrets, pullSecretCopies, List.copyOf(addresses));
  }

  /**
   * A passive ControlPlane (role: passive, seed 2.7.1: a peer of the cluster Service Mesh Manager runs
   * on): what its proxies report goes to the active cluster's receivers, not to receivers of its own.
   */
  public boolean passive() {
    return "passive".equals(text("role", "")) || "passive".equals(text("smm.role", ""));
  }

  /** The value at a dotted path such as "smm.tracing.enabled"; missing when absent. */
  public JsonNode at(String dottedPath) {
    return spec.at("/" + dottedPath.replace('.', '/'));
  }

  /** Enabled when the component and every component it is part of ("smm" for "smm.tracing") are enabled. */
  public boolean enabled(String componentPath) {
    String[] parts = componentPath.split("\\.");
    StringBuilder path = new StringBuilder();
    for (String part : parts) {
      path.append(path.length() == 0 ? "" : ".").append(part);
      if (!at(path + ".enabled").asBoolean(false)) {
        return false;
      }
    }
    return true;
  }

  public String text(String dottedPath, String fallback) {
    JsonNode n = at(dottedPath);
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : fallback;
  }

  public int integer(String dottedPath, int fallback) {
    JsonNode n = at(dottedPath);
    return n.canConvertToInt() ? n.asInt() : fallback;
  }

  public String smmNamespace() {
    return text("smm.namespace", "smm-system");
  }

  public String clusterName() {
    return text("clusterName", "");
  }

  public String istioName() {
    return text("meshManager.istio.istioCRRef.name", "cp-v115x");
  }

  public String istioNamespace() {
    return text("meshManager.istio.istioCRRef.namespace", "istio-system");
  }

  /** The injection revision label value, "cp-v115x.istio-system" (seed). */
  public String istioRevision() {
    return istioName() + "." + istioNamespace();
  }

  public String owner() {
    return "ControlPlane/" + name;
  }
}
