package io.smm.operator.istio;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.istio.render.IstioRevision;
import java.util.List;
import java.util.Map;

/**
 * Where a PASSIVE control plane's proxies find istiod (Istio's primary-remote model): the chart
 * renders the istiod Service headless and without a selector, and the istio-operator gives it
 * Endpoints at the ACTIVE peer control planes' meshexpansion gateways, whose 15012 (xDS and CA) and
 * 15017 (webhooks) pass through to the active cluster's istiod. The proxies keep the discovery
 * address of the mesh config (istiod-REV.NAMESPACE.svc:15012).
 */
final class RemoteIstiod {

  private RemoteIstiod() {}

  /** The istiod Service's Endpoints for {@code gatewayAddresses} (none: no subsets, nothing to connect to yet). */
  static Endpoints endpoints(GenericKubernetesResource icp, List<String> gatewayAddresses) {
    IstioRevision rev = IstioRendering.revision(icp);
    EndpointsBuilder endpoints = new EndpointsBuilder().withNewMetadata().withName(rev.withRevision("istiod"))
        .withNamespace(icp.getMetadata().getNamespace()).withLabels(Map.of("app", "istiod", "istio", "istiod", "istio.io/rev", rev.label()))
        .endMetadata();
    if (!gatewayAddresses.isEmpty()) {
      endpoints.addNewSubset().addAllToAddresses(gatewayAddresses.stream().map(a -> new EndpointAddressBuilder().withIp(a).build()).toList())
          .addNewPort().withName("https-dns").withPort(15012).withProtocol("TCP").endPort()
          .addNewPort().withName("https-webhook").withPort(15017).withProtocol("TCP").endPort().endSubset();
    }
    return endpoints.build();
  }
}
