package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.Optional;

/**
 * The ControlPlane's {@code meshManager.istio.istioCROverrides}: YAML merged into the
 * IstioControlPlane it renders (seed 2.10.1). Attach sets the peer's Istio network there, keeping
 * whatever else the user put in it.
 */
final class IstioOverrides {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private IstioOverrides() {}

  /** The overrides with {@code spec.networkName} set to {@code network}. */
  static String withNetwork(String overrides, String network) {
    ObjectNode root = parse(overrides);
    root.with("spec").put("networkName", network);
    return write(root);
  }

  /**
   * The overrides with the control plane's mode set: PASSIVE (remote Istio: no istiod here, the
   * primary's serves the proxies) with the standalone sidecar injector, which serves the injection
   * webhook of a passive control plane (istio-sidecar-injector-REV); ACTIVE drops both again.
   */
  static String withMode(String overrides, boolean active) {
    ObjectNode root = parse(overrides);
    ObjectNode spec = root.with("spec");
    if (active) {
      spec.remove("mode");
      if (spec.path("sidecarInjector").isObject()) {
        ((ObjectNode) spec.get("sidecarInjector")).remove("deployment");
        if (spec.get("sidecarInjector").isEmpty()) {
          spec.remove("sidecarInjector");
        }
      }
    } else {
      spec.put("mode", "PASSIVE");
      spec.with("sidecarInjector").with("deployment").with("replicas").put("count", 1);
    }
    return write(root);
  }

  private static String write(ObjectNode root) {
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The network the overrides set, if they do. */
  static Optional<String> network(String overrides) {
    JsonNode name = parse(overrides).at("/spec/networkName");
    return name.isTextual() ? Optional.of(name.asText()) : Optional.empty();
  }

  private static ObjectNode parse(String overrides) {
    if (overrides == null || overrides.isBlank()) {
      return YAML.createObjectNode();
    }
    try {
      JsonNode tree = YAML.readTree(overrides);
      if (tree == null || tree.isNull()) {
        return YAML.createObjectNode();
      }
      if (!tree.isObject()) {
        throw new CliException("the ControlPlane's meshManager.istio.istioCROverrides is not a YAML mapping; fix it first", 1);
      }
      return (ObjectNode) tree;
    } catch (IOException e) {
      throw new CliException("the ControlPlane's meshManager.istio.istioCROverrides is not valid YAML (" + e.getMessage().lines().findFirst().orElse("")
          + "); fix it first", 1);
    }
  }
}
