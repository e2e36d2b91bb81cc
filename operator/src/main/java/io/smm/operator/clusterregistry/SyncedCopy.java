package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.api.clusterregistry.ClusterRegistry;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local copy of a peer's object (sync_reconciler.go mutateObject): the matched rules'
 * mutations applied, the cluster-specific metadata dropped, and the ID of the cluster it comes from
 * as annotation and label — the copy's owner, which decides who may update or delete it.
 */
final class SyncedCopy {

  private static final List<String> CLUSTER_SPECIFIC = List.of("resourceVersion", "uid", "selfLink", "creationTimestamp", "generation",
      "finalizers", "ownerReferences", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds");
  // Apply tools' bookkeeping about the source cluster's objects, wrong for the copy.
  private static final List<String> TOOL_ANNOTATIONS = List.of("kubectl.kubernetes.io/last-applied-configuration",
      "banzaicloud.com/last-applied", "banzaicloud.com/managed-component", "banzaicloud.com/related-to");

  /** On a copy named otherwise than its source: the source's name and namespace (to find the copy again). */
  static final String ORIGINAL_NAME = "cluster-registry.k8s.cisco.com/original-name";
  static final String ORIGINAL_NAMESPACE = "cluster-registry.k8s.cisco.com/original-namespace";

  private SyncedCopy() {}

  /**
   * @param source the peer's object
   * @param sourceClusterId the peer's cluster ID: the owner unless the source is itself a copy
   * @param clusterNames a cluster's name from its ID (for the overrides' templates); this cluster's as {@code localClusterName}
   */
  static ObjectNode of(JsonNode source, List<JsonNode> matchedRules, SyncRule.Gvk localGvk, String sourceClusterId,
      Function<String, String> clusterNames, String localClusterName) {
    ObjectNode copy = source.deepCopy();
    ObjectNode meta = (ObjectNode) copy.path("metadata");
    CLUSTER_SPECIFIC.forEach(meta::remove);
    ObjectNode annotations = meta.with("annotations");
    ObjectNode labels = meta.with("labels");
    for (JsonNode rule : matchedRules) {
      mutate(annotations, rule.at("/mutations/annotations"));
      mutate(labels, rule.at("/mutations/labels"));
    }
    TOOL_ANNOTATIONS.forEach(annotations::remove);
    if (annotations.path(ClusterRegistry.OWNER_CLUSTER_ID).asText("").isEmpty()) {
      annotations.put(ClusterRegistry.OWNER_CLUSTER_ID, sourceClusterId);
    }
    if (labels.path(ClusterRegistry.OWNER_CLUSTER_ID).asText("").isEmpty()) {
      labels.put(ClusterRegistry.OWNER_CLUSTER_ID, sourceClusterId);
    }
    SyncRule.Gvk sourceGvk = SyncRule.Gvk.ofObject(source);
    if (!sourceGvk.equals(localGvk)) {
      annotations.put(ClusterRegistry.ORIGINAL_GVK, sourceGvk.group() + "/" + sourceGvk.version() + ", Kind=" + sourceGvk.kind());
      copy.put("apiVersion", localGvk.apiVersion());
      copy.put("kind", localGvk.kind());
    }
    String name = meta.path("name").asText();
    String namespace = meta.path("namespace").asText("");
    // .Cluster is the cluster the object comes from: its owner when the peer has it as a copy itself.
    Overrides.Context context = new Overrides.Context(name, namespace, clusterNames.apply(annotations.path(ClusterRegistry.OWNER_CLUSTER_ID)
        .asText()), localClusterName);
    for (JsonNode rule : matchedRules) {
      Overrides.apply(copy, rule.at("/mutations/overrides"), context);
    }
    ObjectNode after = (ObjectNode) copy.path("metadata");
    if (!after.path("name").asText().equals(name)) {
      after.with("labels").put(ORIGINAL_NAME, name);
    }
    if (!after.path("namespace").asText("").equals(namespace)) {
      after.with("labels").put(ORIGINAL_NAMESPACE, namespace);
    }
    if ("Service".equals(sourceGvk.kind()) && sourceGvk.group().isEmpty()) {
      // A Service's cluster IPs are the source cluster's; the local API server gives the copy its own.
      ((ObjectNode) copy.path("spec")).remove(List.of("clusterIP", "clusterIPs"));
    }
    return copy;
  }

  private static void mutate(ObjectNode map, JsonNode mutation) {
    mutation.path("add").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    mutation.path("remove").forEach(k -> map.remove(k.asText()));
  }

  /**
   * Whether the local object already is the copy: the same labels and annotations, and every field
   * the copy sets (outside metadata and status) equal — fields the local API server added to it
   * (defaults) do not count, or each sync would undo them and be undone.
   */
  static boolean isCurrent(JsonNode local, JsonNode copy, boolean withStatus) {
    JsonNode lm = local.path("metadata");
    JsonNode cm = copy.path("metadata");
    if (!SyncRule.strings(lm.path("labels")).equals(SyncRule.strings(cm.path("labels")))
        || !SyncRule.strings(lm.path("annotations")).equals(SyncRule.strings(cm.path("annotations")))
        || !local.path("apiVersion").equals(copy.path("apiVersion"))) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = copy.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      boolean skipped = f.getKey().equals("metadata") || f.getKey().equals("apiVersion") || f.getKey().equals("status") && !withStatus;
      // A Secret's or ConfigMap's keys are the content itself: a key added or removed on either side is a change.
      boolean exact = f.getKey().equals("data") || f.getKey().equals("binaryData");
      if (!skipped && !(exact ? local.path(f.getKey()).equals(f.getValue()) : contains(local.path(f.getKey()), f.getValue()))) {
        return false;
      }
    }
    return true;
  }

  /** Every field of {@code wanted} has the same value in {@code actual} (objects recursively; arrays and scalars exactly). */
  private static boolean contains(JsonNode actual, JsonNode wanted) {
    if (!wanted.isObject()) {
      return actual.equals(wanted);
    }
    if (!actual.isObject()) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!contains(actual.path(f.getKey()), f.getValue())) {
        return false;
      }
    }
    return true;
  }
}
