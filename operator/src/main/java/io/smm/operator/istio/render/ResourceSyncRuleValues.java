package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.isSet;
import static io.smm.operator.istio.render.ValueTree.object;
import static io.smm.operator.istio.render.ValueTree.putIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The resource-sync-rule chart's values (the cluster registry's ClusterFeatures, ResourceSyncRules and
 * aggregated ClusterRoles through which an ACTIVE and its PASSIVE control planes share the CA root
 * certificate, the IstioMesh, each other's IstioControlPlane, the multi-cluster secrets and, between
 * ACTIVE ones, Istio's custom resources): our port of the istio-operator's
 * {@code resource-sync-rule/values.yaml.tpl}.
 */
public final class ResourceSyncRuleValues {

  private ResourceSyncRuleValues() {}

  public static ObjectNode of(JsonNode spec, IstioRevision rev) {
    ObjectNode values = object();
    values.put("revision", rev.name());
    if (isSet(spec.path("mode"))) {
      values.set("mode", spec.path("mode"));
    }
    putIf(values, "distribution", spec.path("distribution"));
    putIf(values, "meshID", spec.path("meshID"));
    return values;
  }
}
