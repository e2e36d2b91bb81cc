package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import java.util.Map;

/**
 * A product port on the control plane's meshexpansion gateway (seed: its Service exposes
 * tcp-smm-als-tls 50600 and tcp-smm-zipkin-tls 59411 to peer clusters), for what lives outside the
 * cluster's pod network — peer clusters on other networks and VMs — to reach the product's
 * collectors: an Istio Gateway server in TLS PASSTHROUGH on that port of the gateway's pods, and a
 * VirtualService {@code tls} route from it to the collector's Service, shaped as the istio-operator's
 * own istiod-expansion pair for 15012. The sidecars' mTLS passes through to the collector's side.
 */
record MeshExpansionRoute(String name, String namespace, int port, String serviceHost, int servicePort, String component) {

  /** The Gateway and VirtualService, both named {@code name}, in the collector's namespace. */
  List<DesiredResource> desired(ControlPlaneConfig config, boolean enabled) {
    Map<String, String> gatewayPods = Map.of("gateway-name", "istio-meshexpansion-" + config.istioName(), "gateway-type", "ingress");
    GenericKubernetesResource gateway = resource("Gateway", Map.of("selector", gatewayPods, "servers", List.of(Map.of(
        "hosts", List.of("*"),
        "port", Map.of("name", "tls-" + name, "number", port, "protocol", "TLS"),
        "tls", Map.of("mode", "PASSTHROUGH")))));
    GenericKubernetesResource route = resource("VirtualService", Map.of("gateways", List.of(name), "hosts", List.of("*"),
        "tls", List.of(Map.of(
            "match", List.of(Map.of("port", port, "sniHosts", List.of("*"))),
            "route", List.of(Map.of("destination", Map.of("host", serviceHost, "port", Map.of("number", servicePort))))))));
    return List.of(new DesiredResource(gateway, enabled), new DesiredResource(route, enabled));
  }

  private GenericKubernetesResource resource(String kind, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind(kind)
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
    Workloads.label(r, name, component);
    r.setAdditionalProperty("spec", spec);
    return r;
  }
}
