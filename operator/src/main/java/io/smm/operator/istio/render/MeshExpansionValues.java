package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.at;
import static io.smm.operator.istio.render.ValueTree.isSet;
import static io.smm.operator.istio.render.ValueTree.object;
import static io.smm.operator.istio.render.ValueTree.putIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The istio-meshexpansion chart's values (what VMs and peer networks reach istiod and the mesh
 * through: Gateways, a VirtualService and the expansion IstioMeshGateway): our port of the
 * istio-operator's {@code istio-meshexpansion/values.yaml.tpl}.
 */
public final class MeshExpansionValues {

  private MeshExpansionValues() {}

  public static boolean wanted(JsonNode spec) {
    return at(spec, "meshExpansion.enabled").asBoolean(false);
  }

  public static ObjectNode of(JsonNode spec, IstioRevision rev) {
    ObjectNode values = object();
    values.put("revision", rev.name());
    JsonNode expansion = spec.path("meshExpansion");
    putIf(values, "exposeIstiod", at(expansion, "istiod.expose"));
    putIf(values, "exposeWebhook", at(expansion, "webhook.expose"));
    putIf(values, "exposeClusterServices", at(expansion, "clusterServices.expose"));
    JsonNode gateway = expansion.path("gateway");
    putIf(values, "runAsRoot", gateway.path("runAsRoot"));
    putIf(values, "metadata", gateway.path("metadata"));
    putIf(values, "deployment", gateway.path("deployment"));
    putIf(values, "service", gateway.path("service"));
    if (isSet(spec.path("mode"))) {
      values.set("mode", spec.path("mode"));
    }
    putIf(values, "distribution", spec.path("distribution"));
    putIf(values, "network", spec.path("networkName"));
    return values;
  }
}
