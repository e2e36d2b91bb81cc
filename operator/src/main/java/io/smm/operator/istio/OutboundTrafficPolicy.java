package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * `smm istio outbound-traffic-policy`: the mesh-wide outbound policy lives in the ControlPlane's
 * istioCROverrides (so a reconcile keeps it), as meshConfig.outboundTrafficPolicy.mode
 * ALLOW_ANY (allowed) or REGISTRY_ONLY (restricted).
 */
public final class OutboundTrafficPolicy {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private OutboundTrafficPolicy() {}

  /** The mode set in the ControlPlane, or null when not set (Istio's default ALLOW_ANY applies). */
  public static String get(KubernetesClient client, String controlPlane) {
    JsonNode overrides = overrides(controlPlaneResource(client, controlPlane));
    JsonNode mode = overrides.at("/spec/meshConfig/outboundTrafficPolicy/mode");
    return mode.isTextual() ? mode.asText() : null;
  }

  /** Writes the mode into the ControlPlane spec; the caller reconciles. Returns the spec written. */
  @SuppressWarnings("unchecked")
  public static JsonNode set(KubernetesClient client, String controlPlane, String mode) {
    GenericKubernetesResource cp = controlPlaneResource(client, controlPlane);
    ObjectNode overrides = overrides(cp);
    overrides.with("spec").with("meshConfig").with("outboundTrafficPolicy").put("mode", mode);
    ObjectNode spec = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().getOrDefault("spec", Map.of()));
    try {
      spec.with("meshManager").with("istio").put("istioCROverrides", YAML.writeValueAsString(overrides).replaceFirst("^---\\s*\n", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cp.getAdditionalProperties().put("spec", Serialization.jsonMapper().convertValue(spec, Map.class));
    client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).resource(cp).update();
    return spec;
  }

  private static GenericKubernetesResource controlPlaneResource(KubernetesClient client, String name) {
    GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName(name).get();
    if (cp == null) {
      throw new IllegalArgumentException("there is no ControlPlane " + name + "; run `smm install -a` first");
    }
    return cp;
  }

  private static ObjectNode overrides(GenericKubernetesResource cp) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().getOrDefault("spec", Map.of()));
    JsonNode text = spec.at("/meshManager/istio/istioCROverrides");
    try {
      JsonNode parsed = text.isTextual() ? YAML.readTree(text.asText()) : null;
      return parsed instanceof ObjectNode o ? o : YAML.createObjectNode();
    } catch (IOException e) {
      throw new IllegalStateException("spec.meshManager.istio.istioCROverrides of ControlPlane " + cp.getMetadata().getName()
          + " is not valid YAML: " + e.getMessage());
    }
  }
}
