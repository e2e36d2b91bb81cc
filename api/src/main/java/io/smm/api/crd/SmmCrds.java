package io.smm.api.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.smm.api.clusterregistry.ClusterRegistrySchemas;
import io.smm.api.controlplane.ControlPlaneSchema;
import io.smm.api.demo.DemoApplicationSchema;
import io.smm.api.istio.IstioSchemas;
import io.smm.api.schema.CrdSchemas;
import io.smm.api.schema.Schema;
import io.smm.api.schema.Schema.ObjectSchema;
import io.smm.api.sre.SreSchemas;
import java.util.List;

/** The CRDs the product installs, generated from the same schemas the CLI validates with. */
public final class SmmCrds {

  /** A custom kind of ours: where it lives and how kubectl shows it. */
  public record Kind(String group, String version, String kind, String plural, boolean namespaced, List<String> shortNames,
      ObjectSchema spec, List<CustomResourceColumnDefinition> columns) {

    public String apiVersion() {
      return group + "/" + version;
    }

    public String crdName() {
      return plural + "." + group;
    }
  }

  public static final Kind CONTROL_PLANE = new Kind("smm.cisco.com", "v1alpha1", "ControlPlane", "controlplanes", false,
      List.of("cp"), ControlPlaneSchema.SPEC, List.of(
          column("Status", ".status.status"), column("Message", ".status.message"), column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind ISTIO_CONTROL_PLANE = new Kind("servicemesh.cisco.com", "v1alpha1", "IstioControlPlane",
      "istiocontrolplanes", true, List.of("icp"), IstioSchemas.CONTROL_PLANE_SPEC, List.of(
          column("Mode", ".spec.mode"), column("Network", ".spec.networkName"), column("Status", ".status.status"),
          column("Mesh Expansion", ".spec.meshExpansion.enabled"), column("Error", ".status.errorMessage"),
          column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind ISTIO_MESH_GATEWAY = new Kind("servicemesh.cisco.com", "v1alpha1", "IstioMeshGateway",
      "istiomeshgateways", true, List.of("imgw"), IstioSchemas.MESH_GATEWAY_SPEC, List.of(
          column("Type", ".spec.type"), column("Service Type", ".spec.service.type"), column("Status", ".status.Status"),
          column("Ingress IPs", ".status.GatewayAddress"), column("Error", ".status.ErrorMessage"),
          column("Age", ".metadata.creationTimestamp", "date")));

  /** Another cluster's IstioControlPlane as the cluster registry copies it here (the istio-operator's peeristiocontrolplane sink). */
  public static final Kind PEER_ISTIO_CONTROL_PLANE = new Kind("servicemesh.cisco.com", "v1alpha1", "PeerIstioControlPlane",
      "peeristiocontrolplanes", true, List.of(), IstioSchemas.CONTROL_PLANE_SPEC, List.of(
          column("Mode", ".spec.mode"), column("Network", ".spec.networkName"), column("Status", ".status.status"),
          column("Mesh expansion", ".spec.meshExpansion.enabled"), column("Error", ".status.errorMessage"),
          column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind DEMO_APPLICATION = new Kind("smm.cisco.com", "v1alpha1", "DemoApplication", "demoapplications",
      true, List.of("demoapp"), DemoApplicationSchema.SPEC, List.of(
          column("Enabled", ".spec.enabled"), column("Status", ".status.status"), column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind SLI_TEMPLATE = new Kind("sre.smm.cisco.com", "v1alpha1", "ServiceLevelIndicatorTemplate",
      "servicelevelindicatortemplates", true, List.of("slit"), SreSchemas.SLI_TEMPLATE_SPEC, List.of(
          column("Kind", ".spec.kind"), column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind SERVICE_LEVEL_OBJECTIVE = new Kind("sre.smm.cisco.com", "v1alpha1", "ServiceLevelObjective",
      "servicelevelobjectives", true, List.of("slo"), SreSchemas.SLO_SPEC, List.of(
          column("Service", ".spec.selector.name"), column("Goal", ".spec.slo.goal"), column("Status", ".status.status"),
          column("Error", ".status.error"), column("Age", ".metadata.creationTimestamp", "date")));

  public static final Kind ALERTING_POLICY = new Kind("sre.smm.cisco.com", "v1alpha1", "AlertingPolicy", "alertingpolicies", true,
      List.of("ap"), SreSchemas.ALERTING_POLICY_SPEC, List.of(
          column("SLO", ".spec.sloRef.name"), column("Severity", ".spec.severity"), column("Burn rate", ".spec.burnrate.threshold"),
          column("Age", ".metadata.creationTimestamp", "date")));

  // The cluster registry's kinds, with the names and printer columns of cisco-open/cluster-registry-controller's CRDs.
  public static final Kind CLUSTER = new Kind("clusterregistry.k8s.cisco.com", "v1alpha1", "Cluster", "clusters", false, List.of(),
      ClusterRegistrySchemas.CLUSTER_SPEC, List.of(
          column("ID", ".spec.clusterID", "string", 1), column("Status", ".status.state"), column("Type", ".status.type"),
          column("Synced", ".status.conditions[?(@.type==\"ClustersSynced\")].status"),
          column("Status Message", ".status.message", "string", 1),
          column("Sync Message", ".status.conditions[?(@.type==\"ClustersSynced\")].message", "string", 1)));

  public static final Kind CLUSTER_FEATURE = new Kind("clusterregistry.k8s.cisco.com", "v1alpha1", "ClusterFeature", "clusterfeatures",
      false, List.of("cf"), ClusterRegistrySchemas.CLUSTER_FEATURE_SPEC, List.of(column("Feature", ".spec.featureName")));

  public static final Kind RESOURCE_SYNC_RULE = new Kind("clusterregistry.k8s.cisco.com", "v1alpha1", "ResourceSyncRule",
      "resourcesyncrules", false, List.of("rsr"), ClusterRegistrySchemas.RESOURCE_SYNC_RULE_SPEC, List.of());

  public static final List<Kind> ALL = List.of(CONTROL_PLANE, ISTIO_CONTROL_PLANE, PEER_ISTIO_CONTROL_PLANE, ISTIO_MESH_GATEWAY, DEMO_APPLICATION, SLI_TEMPLATE,
      SERVICE_LEVEL_OBJECTIVE, ALERTING_POLICY, CLUSTER, CLUSTER_FEATURE, RESOURCE_SYNC_RULE);

  private SmmCrds() {}

  public static CustomResourceDefinition crd(Kind k) {
    ObjectSchema resource = Schema.object(k.kind())
        .field("apiVersion", Schema.string("")).field("kind", Schema.string("")).field("metadata", Schema.openObject(""))
        .field("spec", k.spec()).field("status", Schema.openObject("Observed state, written by the operator."));
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(k.crdName()).addToLabels("app.kubernetes.io/part-of", "smm").endMetadata()
        .withNewSpec().withGroup(k.group()).withScope(k.namespaced() ? "Namespaced" : "Cluster")
        .withNewNames().withKind(k.kind()).withPlural(k.plural()).withSingular(k.kind().toLowerCase())
        .withListKind(k.kind() + "List").withShortNames(k.shortNames()).addToCategories("smm").endNames()
        .addNewVersion().withName(k.version()).withServed(true).withStorage(true)
        .withNewSchema().withOpenAPIV3Schema(CrdSchemas.toOpenApi(resource)).endSchema()
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .withAdditionalPrinterColumns(k.columns())
        .endVersion()
        .endSpec().build();
  }

  private static CustomResourceColumnDefinition column(String name, String path) {
    return column(name, path, "string");
  }

  private static CustomResourceColumnDefinition column(String name, String path, String type) {
    return new CustomResourceColumnDefinitionBuilder().withName(name).withJsonPath(path).withType(type).build();
  }

  /** A column kubectl shows only with -o wide. */
  private static CustomResourceColumnDefinition column(String name, String path, String type, int priority) {
    return new CustomResourceColumnDefinitionBuilder().withName(name).withJsonPath(path).withType(type).withPriority(priority).build();
  }
}
