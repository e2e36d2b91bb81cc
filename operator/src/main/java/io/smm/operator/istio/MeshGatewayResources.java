package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.operator.resources.OwnershipLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an IstioMeshGateway becomes: an Envoy gateway Deployment injected by its control plane's
 * revision, its Service (ports and type from the spec) and ServiceAccount, labelled
 * gateway-name/gateway-type as the Istio operator labels them.
 */
public final class MeshGatewayResources {

  private MeshGatewayResources() {}

  /** @param proxyVersion the control plane's Istio version, the proxy image's tag (untagged when null) */
  public static List<HasMetadata> of(GenericKubernetesResource gateway, String proxyVersion) {
    JsonNode spec = Serialization.jsonMapper().valueToTree(gateway.getAdditionalProperties().getOrDefault("spec", Map.of()));
    String name = gateway.getMetadata().getName();
    String ns = gateway.getMetadata().getNamespace();
    String type = spec.path("type").asText("ingress");
    String revision = spec.at("/istioControlPlane/name").asText("cp-v115x") + "." + spec.at("/istioControlPlane/namespace").asText("istio-system");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", name);
    labels.put("gateway-name", name);
    labels.put("gateway-type", type);
    labels.put("istio.io/rev", revision);
    labels.put(OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
    labels.put(OwnershipLabels.COMPONENT, "mesh-gateway");
    Map<String, String> selector = Map.of("gateway-name", name, "gateway-type", type);
    List<ServicePort> ports = new ArrayList<>();
    for (JsonNode p : spec.at("/service/ports")) {
      ports.add(new ServicePortBuilder().withName(p.path("name").asText("port-" + p.path("port").asInt()))
          .withPort(p.path("port").asInt()).withProtocol(p.path("protocol").asText("TCP"))
          .withTargetPort(new IntOrString(p.path("targetPort").asInt(p.path("port").asInt()))).build());
    }
    int replicas = spec.at("/deployment/replicas/count").asInt(1);
    boolean root = spec.path("runAsRoot").asBoolean(false);
    var deployment = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels)
        .addToAnnotations("sidecar.istio.io/inject", "false").endMetadata()
        .withNewSpec().withServiceAccountName(name).addNewContainer().withName("istio-proxy").withImage("docker.io/istio/proxyv2" + (proxyVersion == null ? "" : ":" + proxyVersion))
        .withArgs("proxy", "router", "--domain", ns + ".svc.cluster.local")
        .withNewSecurityContext().withRunAsUser(root ? 0L : 1337L).withRunAsNonRoot(!root).endSecurityContext()
        .addNewPort().withName("http-envoy-prom").withContainerPort(15090).endPort()
        .endContainer().endSpec().endTemplate().endSpec().build();
    List<HasMetadata> out = new ArrayList<>();
    out.add(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata().build());
    out.add(deployment);
    out.add(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withType(spec.at("/service/type").asText("ClusterIP")).withSelector(selector).withPorts(ports)
        .endSpec().build());
    return out;
  }
}
