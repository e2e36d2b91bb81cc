package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import java.util.Map;

/** The product's own ingress gateway, smm-ingressgateway, as an IstioMeshGateway of the control plane. */
public final class GatewaysComponent implements Component {

  @Override
  public String name() {
    return "gateways";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("smm") && config.enabled("meshManager") && config.enabled("meshManager.istio");
    var gateway = new GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion()).withKind(SmmCrds.ISTIO_MESH_GATEWAY.kind())
        .withNewMetadata().withName("smm-ingressgateway").withNamespace(config.smmNamespace()).endMetadata()
        .addToAdditionalProperties("spec", Map.of(
            "type", "ingress",
            "istioControlPlane", Map.of("name", config.istioName(), "namespace", config.istioNamespace()),
            "deployment", Map.of("replicas", Map.of("count", 1)),
            "service", Map.of("type", "ClusterIP", "ports", List.of(Map.of("name", "http", "port", 80, "targetPort", 8080)))))
        .build();
    return List.of(new DesiredResource(gateway, enabled));
  }

  @Override
  public void removeOperands(DesiredResource resource, Operands operands) {
    operands.removeMeshGateway(resource.object().getMetadata().getNamespace(), resource.object().getMetadata().getName());
  }
}
