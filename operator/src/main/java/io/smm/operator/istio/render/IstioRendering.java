package io.smm.operator.istio.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The desired state of the Istio operator part, as the istio-operator v2.15 renders it: an
 * IstioControlPlane becomes istio-discovery, and when asked the standalone sidecar injector and
 * mesh expansion; an IstioMeshGateway becomes the istio-meshgateway chart. The base chart (Istio's
 * CRDs) renders too, but the product still installs its own Istio CRDs (see {@link #base}).
 * Pure: no cluster is read or written here.
 */
public final class IstioRendering implements AutoCloseable {

  /** Everything one control plane consists of, and the checksums its gateways' pods carry. */
  public record ControlPlane(List<HasMetadata> objects, String meshConfigChecksum, String injectionChecksum) {}

  private final HelmCharts charts = new HelmCharts();

  public static IstioRevision revision(HasMetadata icp) {
    return new IstioRevision(icp.getMetadata().getName(), icp.getMetadata().getNamespace());
  }

  public static JsonNode spec(GenericKubernetesResource resource) {
    return Serialization.jsonMapper().valueToTree(resource.getAdditionalProperties().getOrDefault("spec", Map.of()));
  }

  /** The resource's status as a tree (empty when it has none yet). */
  public static JsonNode status(GenericKubernetesResource resource) {
    return Serialization.jsonMapper().valueToTree(resource.getAdditionalProperties().getOrDefault("status", Map.of()));
  }

  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

  public ControlPlane controlPlane(GenericKubernetesResource icp, MeshContext context) {
    JsonNode spec = spec(icp);
    List<HasMetadata> objects = new ArrayList<>(discovery(icp, context));
    if (SidecarInjectorValues.wanted(spec)) {
      objects.addAll(sidecarInjector(icp));
    }
    if (MeshExpansionValues.wanted(spec)) {
      objects.addAll(meshExpansion(icp));
    }
    // Helm leaves a namespaced object without a namespace to the release's; the istio-operator
    // writes such objects (the meshexpansion chart's Gateways and IstioMeshGateway) to the
    // control plane's namespace, never the client's default one.
    for (HasMetadata o : objects) {
      if (o.getMetadata().getNamespace() == null && !CLUSTER_SCOPED.contains(o.getKind())) {
        o.getMetadata().setNamespace(icp.getMetadata().getNamespace());
      }
    }
    String meshChecksum = null;
    String injectionChecksum = null;
    for (HasMetadata o : objects) {
      if (o instanceof ConfigMap cm && cm.getData() != null) {
        if (cm.getData().containsKey("mesh")) {
          meshChecksum = sha256(cm.getData().get("mesh"));
        } else if (cm.getData().containsKey("config")) {
          injectionChecksum = sha256(Serialization.asJson(new TreeMap<>(cm.getData())));
        }
      }
    }
    return new ControlPlane(List.copyOf(objects), meshChecksum, injectionChecksum);
  }

  /**
   * What the control plane renders in its other mode (ACTIVE/PASSIVE) and with the standalone
   * injector: among them, what a change of mode or of the injector setting leaves behind (istiod's
   * Deployment, webhooks and RBAC when it turns PASSIVE; the injector when it turns ACTIVE again).
   */
  public List<HasMetadata> otherModeObjects(GenericKubernetesResource icp, MeshContext context) {
    GenericKubernetesResource variant = Serialization.clone(icp);
    ObjectNode spec = Serialization.jsonMapper().valueToTree(variant.getAdditionalProperties().getOrDefault("spec", Map.of()));
    spec.put("mode", "PASSIVE".equals(spec.path("mode").asText()) ? "ACTIVE" : "PASSIVE");
    if (!SidecarInjectorValues.wanted(spec)) {
      spec.with("sidecarInjector").with("deployment").with("replicas").put("count", 1);
    }
    variant.getAdditionalProperties().put("spec", Serialization.jsonMapper().convertValue(spec, Map.class));
    return controlPlane(variant, context).objects();
  }

  /**
   * The base chart: Istio's CRDs with their real schemas. Not applied yet: the sandbox serves each
   * CRD version as its own store, and these CRDs serve v1alpha3 and v1beta1 of the same objects.
   */
  public List<HasMetadata> base(GenericKubernetesResource icp) {
    return charts.render("base", "istio-operator-base", icp.getMetadata().getNamespace(), BaseValues.of(spec(icp), revision(icp)));
  }

  /** The istio-discovery chart: istiod (ACTIVE), its webhooks, ConfigMaps, RBAC and telemetry filters. */
  public List<HasMetadata> discovery(GenericKubernetesResource icp, MeshContext context) {
    return ResourceOverlays.apply(charts.render("istio-discovery", "istio-operator-discovery", icp.getMetadata().getNamespace(),
        DiscoveryValues.of(spec(icp), revision(icp), context)), spec(icp).path("k8sResourceOverlays"));
  }

  /** The istio-sidecar-injector chart (the standalone injector of the Cisco distribution). */
  public List<HasMetadata> sidecarInjector(GenericKubernetesResource icp) {
    return ResourceOverlays.apply(charts.render("istio-sidecar-injector", "istio-sidecar-injector", icp.getMetadata().getNamespace(),
        SidecarInjectorValues.of(spec(icp), revision(icp))), spec(icp).path("k8sResourceOverlays"));
  }

  /** The istio-meshexpansion chart: Gateways, VirtualService and the expansion IstioMeshGateway. */
  public List<HasMetadata> meshExpansion(GenericKubernetesResource icp) {
    return ResourceOverlays.apply(charts.render("istio-meshexpansion", "istio-meshexpansion", icp.getMetadata().getNamespace(),
        MeshExpansionValues.of(spec(icp), revision(icp))), spec(icp).path("k8sResourceOverlays"));
  }

  /**
   * The resource-sync-rule chart: what the cluster registry needs to join this control plane with its
   * peers (the istio-operator renders it when the cluster registry's API is enabled).
   */
  public List<HasMetadata> resourceSyncRules(GenericKubernetesResource icp) {
    return ResourceOverlays.apply(charts.render("resource-sync-rule", "istio-resource-sync-rule", icp.getMetadata().getNamespace(),
        ResourceSyncRuleValues.of(spec(icp), revision(icp))), spec(icp).path("k8sResourceOverlays"));
  }

  public List<HasMetadata> meshGateway(GenericKubernetesResource gateway, MeshGatewayValues.Properties properties) {
    JsonNode status = status(gateway);
    boolean external = properties.generateExternalService()
        || "true".equals(gateway.getMetadata().getAnnotations() == null ? null
            : gateway.getMetadata().getAnnotations().get(MeshGatewayValues.GENERATE_EXTERNAL_SERVICE));
    MeshGatewayValues.Properties p = new MeshGatewayValues.Properties(properties.revision(), properties.enablePrometheusMerge(),
        properties.injectionChecksum(), properties.meshConfigChecksum(), properties.controlPlaneSpec(), external);
    return ResourceOverlays.apply(charts.render("istio-meshgateway", "istio-meshgateway", gateway.getMetadata().getNamespace(),
        MeshGatewayValues.of(gateway.getMetadata().getName(), spec(gateway), status, p)), spec(gateway).path("k8sResourceOverlays"));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    charts.close();
  }
}
