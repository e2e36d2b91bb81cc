package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * What every cluster of a group keeps so that the group forms by itself (core_syncers.go): a
 * ClusterFeature that makes it a source of the core resources, and ResourceSyncRules that copy from
 * such sources the Cluster objects, their kubeconfig secrets and the ResourceSyncRules themselves —
 * a rule written on one cluster reaches all. They belong to the local Cluster (owner reference), so
 * they go with it.
 */
final class CoreResources {

  static final String FEATURE_NAME = "cluster-registry-core-resources";

  private CoreResources() {}

  static List<ObjectNode> desired(JsonNode localCluster, String namespace, boolean coreSource) {
    List<ObjectNode> out = new ArrayList<>();
    if (coreSource) {
      ObjectNode feature = object("ClusterFeature", FEATURE_NAME, localCluster);
      feature.putObject("spec").put("featureName", ClusterRegistry.CORE_FEATURE);
      out.add(feature);
    }
    out.add(rule("cluster-registry-core-resource-clusters-sink", localCluster, "clusterregistry.k8s.cisco.com", "v1alpha1", "Cluster", null));
    ObjectNode secrets = Json.object();
    secrets.putArray("content").addObject().put("key", "type").put("value", ClusterRegistry.SECRET_TYPE);
    secrets.putArray("namespaces").add(namespace);
    out.add(rule("cluster-registry-core-resource-cluster-secrets-sink", localCluster, "", "v1", "Secret", secrets));
    out.add(rule("cluster-registry-core-resource-syncrules-sink", localCluster, "clusterregistry.k8s.cisco.com", "v1alpha1",
        "ResourceSyncRule", null));
    return out;
  }

  /** Creates what is missing and puts back a changed spec; objects of these names synced from peers are left alone. */
  static void apply(KubernetesClient client, List<ObjectNode> desired) {
    for (ObjectNode want : desired) {
      var kind = client.genericKubernetesResources(ClusterRegistry.API_VERSION, want.path("kind").asText());
      GenericKubernetesResource current = kind.withName(want.at("/metadata/name").asText()).get();
      if (current == null) {
        kind.resource(Json.resource(want)).create();
        continue;
      }
      JsonNode here = Json.tree(current);
      boolean ours = !here.at("/metadata/annotations").has(ClusterRegistry.OWNER_CLUSTER_ID);
      if (ours && !here.path("spec").equals(want.path("spec"))) {
        ObjectNode updated = here.deepCopy();
        updated.set("spec", want.path("spec"));
        kind.resource(Json.resource(updated)).update();
      }
    }
  }

  private static ObjectNode rule(String name, JsonNode localCluster, String group, String version, String kind, ObjectNode match) {
    ObjectNode rule = object("ResourceSyncRule", name, localCluster);
    ObjectNode spec = rule.putObject("spec");
    spec.putArray("clusterFeatureMatch").addObject().put("featureName", ClusterRegistry.CORE_FEATURE);
    ObjectNode gvk = spec.putObject("groupVersionKind");
    if (!group.isEmpty()) {
      gvk.put("group", group);
    }
    gvk.put("version", version).put("kind", kind);
    ObjectNode r = spec.putArray("rules").addObject();
    if (match != null) {
      r.putArray("match").add(match);
    }
    r.putObject("mutations").put("syncStatus", false);
    return rule;
  }

  private static ObjectNode object(String kind, String name, JsonNode owner) {
    ObjectNode o = Json.object().put("apiVersion", ClusterRegistry.API_VERSION).put("kind", kind);
    ObjectNode meta = o.putObject("metadata").put("name", name);
    meta.putObject("labels").put(ClusterRegistry.CORE_LABEL, "true");
    meta.putArray("ownerReferences").addObject().put("apiVersion", ClusterRegistry.API_VERSION).put("kind", "Cluster")
        .put("name", owner.at("/metadata/name").asText()).put("uid", owner.at("/metadata/uid").asText()).put("controller", true);
    return o;
  }
}
