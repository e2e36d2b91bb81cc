package io.smm.api.clusterregistry;

import static io.smm.api.schema.Schema.any;
import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.string;
import static io.smm.api.schema.Schema.stringMap;

import io.smm.api.schema.Schema;
import io.smm.api.schema.Schema.ObjectSchema;

/**
 * The clusterregistry.k8s.cisco.com/v1alpha1 kinds (seed 2.7.1.4), with the fields of Cisco's open-source
 * cluster-registry-controller (api/v1alpha1) so that its Cluster, ClusterFeature and ResourceSyncRule YAML applies
 * unchanged. All three are cluster-scoped, as there.
 */
public final class ClusterRegistrySchemas {

  private ClusterRegistrySchemas() {}

  private static ObjectSchema gvk(String description) {
    return object(description).field("group", string("")).field("version", string("")).field("kind", string(""));
  }

  private static ObjectSchema labelSelector(String description) {
    return object(description).field("matchLabels", stringMap(""))
        .field("matchExpressions", array("", requirement("A label requirement.", "In", "NotIn", "Exists", "DoesNotExist")));
  }

  private static ObjectSchema requirement(String description, String... operators) {
    return object(description).field("key", string("")).field("operator", oneOf("", operators))
        .field("values", array("", string(""))).require("key", "operator");
  }

  private static ObjectSchema addRemove(String description) {
    return object(description).field("add", stringMap("Set these.")).field("remove", array("Remove these keys.", string("")));
  }

  public static final ObjectSchema CLUSTER_SPEC = object("ClusterSpec: a Kubernetes cluster of the cluster group.")
      .field("clusterID", string("UID of the cluster's kube-system namespace."))
      .field("authInfo", object("How to get credentials for the cluster.")
          .field("secretRef", object("A Secret of type k8s.cisco.com/cluster-registry-secret with a `kubeconfig` key.")
              .field("name", string("")).field("namespace", string(""))))
      .field("kubernetesApiEndpoints", array("API server addresses, per client network.", object("An API server endpoint.")
          .field("clientNetwork", string("Clients on this network use this address."))
          .field("serverAddress", string("hostname, hostname:port, IP or IP:port"))
          .field("caBundle", Schema.pattern("Base64 PEM of the API server's CA.", "^[A-Za-z0-9+/=]*$"))))
      .require("clusterID");

  public static final ObjectSchema CLUSTER_FEATURE_SPEC = object("ClusterFeatureSpec: a feature this cluster offers to its peers.")
      .field("featureName", string("ResourceSyncRules' clusterFeatureMatch names it.")).require("featureName");

  private static final ObjectSchema SYNC_RULE_MATCH = object("Which objects a rule matches; every field given must match.")
      .field("objectKey", object("Name and namespace.").field("name", string("")).field("namespace", string("")))
      .field("namespaces", array("Any of these namespaces.", string("")))
      .field("labels", array("Any of these label selectors.", labelSelector("")))
      .field("annotations", array("Any of these annotation selectors.", object("")
          .field("matchAnnotations", stringMap(""))
          .field("matchExpressions", array("", requirement("An annotation requirement.", "Exists", "DoesNotExist")))))
      .field("content", array("Every one of these JSON paths (gjson syntax, dotted) has this value.", object("")
          .field("key", string("")).field("value", any("A string or an integer.")).require("key", "value")))
      // The istio-operator's mesh sink rule writes it here (a misplaced mutations.syncStatus); without it in the
      // schema our API server would refuse that rendering, where kube-apiserver prunes the field.
      .field("syncStatus", bool("Ignored (accepted for the istio-operator's rules)."));

  public static final ObjectSchema RESOURCE_SYNC_RULE_SPEC = object("ResourceSyncRuleSpec: what to copy from peer clusters to this one.")
      .field("groupVersionKind", gvk("The kind of the objects synced."))
      .field("clusterFeatureMatch", array("Sync only from peers that have a matching ClusterFeature.", object("")
          .field("featureName", string("")).field("matchLabels", stringMap(""))
          .field("matchExpressions", array("", requirement("", "In", "NotIn", "Exists", "DoesNotExist")))))
      .field("rules", array("An object is synced when any rule matches it; a rule without match matches every object.", object("")
          .field("match", array("Any of these.", SYNC_RULE_MATCH))
          .field("mutations", object("Changes made to the local copy.")
              .field("annotations", addRemove("")).field("labels", addRemove(""))
              .field("groupVersionKind", gvk("Written as this kind instead."))
              .field("overrides", array("Overlay patches (not applied by this implementation: refused).", any("")))
              .field("syncStatus", bool("Copy the status too.")))))
      .require("groupVersionKind", "rules");
}
