package io.smm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.components.Component;
import io.smm.operator.components.Components;
import io.smm.operator.components.ControlPlaneConfig;
import io.smm.operator.components.ControlPlaneDefaults;
import io.smm.operator.istio.IstioControlPlaneSpecCheck;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.MeshContext;
import io.smm.operator.istio.render.MeshGatewayValues;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `smm install --dump-resources`: every object that will exist after an install, as multi-document
 * YAML that `kubectl apply -f -` accepts: the product's own (CRDs, ControlPlane, components) and
 * what the Istio operator part renders from them (istiod and its webhooks, ConfigMaps, RBAC, the
 * mesh gateways' Deployments and Services). Needs no cluster; nothing is written.
 */
public final class ManifestDump {

  private ManifestDump() {}

  public static String yaml(String name, JsonNode userSpec) {
    var problems = ControlPlaneInput.validateSpec(userSpec);
    if (!problems.isEmpty()) {
      throw new InvalidResourceException("ControlPlane " + name, problems);
    }
    ControlPlaneConfig config = ControlPlaneDefaults.effective(name, userSpec);
    List<HasMetadata> objects = new ArrayList<>();
    for (Component c : Components.all()) {
      for (DesiredResource r : c.desired(config)) {
        if (r.present()) {
          objects.add(ResourceApplier.stamp(r.object(), c.name(), config.owner()));
        }
      }
      if (c.name().equals("crds")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = userSpec == null || userSpec.isMissingNode() ? Map.of()
            : Serialization.jsonMapper().convertValue(userSpec, Map.class);
        objects.add(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
            .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName(name).endMetadata()
            .addToAdditionalProperties("spec", spec).build());
      }
    }
    objects.addAll(istioRendered(objects, config.enabled("clusterRegistry")));
    StringBuilder out = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = Serialization.asYaml(o);
      out.append(doc.startsWith("---") ? doc : "---\n" + doc);
    }
    return out.toString();
  }

  /**
   * The IstioControlPlanes and IstioMeshGateways of the install, rendered as the operator part will
   * render them. Gateways take the checksums the control plane's status will carry.
   */
  private static List<HasMetadata> istioRendered(List<HasMetadata> objects, boolean clusterRegistry) {
    List<HasMetadata> out = new ArrayList<>();
    try (IstioRendering rendering = new IstioRendering()) {
      for (HasMetadata o : objects) {
        if (o instanceof GenericKubernetesResource icp && SmmCrds.ISTIO_CONTROL_PLANE.kind().equals(o.getKind())) {
          IstioControlPlaneSpecCheck.check(IstioRendering.spec(icp));
          IstioRendering.ControlPlane plane = rendering.controlPlane(icp, MeshContext.singleCluster());
          List<HasMetadata> istiod = new ArrayList<>(plane.objects());
          if (clusterRegistry) {
            istiod.addAll(rendering.resourceSyncRules(icp));
          }
          istiod.forEach(r -> out.add(ResourceApplier.stamp(r, "istiod", "IstioControlPlane/" + icp.getMetadata().getNamespace()
              + "/" + icp.getMetadata().getName())));
          for (HasMetadata g : objects) {
            if (g instanceof GenericKubernetesResource gw && SmmCrds.ISTIO_MESH_GATEWAY.kind().equals(g.getKind())) {
              var ref = IstioRendering.spec(gw).path("istioControlPlane");
              if (ref.path("name").asText().equals(icp.getMetadata().getName())
                  && ref.path("namespace").asText().equals(icp.getMetadata().getNamespace())) {
                var properties = MeshGatewayValues.Properties.of(icp, plane.injectionChecksum(), plane.meshConfigChecksum());
                rendering.meshGateway(gw, properties).forEach(r -> out.add(ResourceApplier.stamp(r, "mesh-gateway",
                    "IstioMeshGateway/" + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName())));
              }
            }
          }
        }
      }
    }
    return out;
  }
}
