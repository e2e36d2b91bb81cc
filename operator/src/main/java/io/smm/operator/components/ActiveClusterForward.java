package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.List;

/**
 * A collector's Service on a passive cluster, leading to the active cluster's collector: no
 * selector (no collector runs here), and Endpoints at the active cluster's meshexpansion gateway on
 * the collector's port, whose PASSTHROUGH route ({@link MeshExpansionRoute}) hands the connection to
 * the collector there. The proxies keep the address their mesh config names (smm-als.smm-system...),
 * as on the active cluster; the sidecars' mTLS passes through to the collector's side.
 */
record ActiveClusterForward(String name, String namespace, String portName, int port, String component) {

  /** The Service and its Endpoints, both named {@code name}. */
  List<DesiredResource> desired(ControlPlaneConfig config, boolean enabled) {
    Service service = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Workloads.labels(name, component)).endMetadata()
        .withNewSpec().addNewPort().withName(portName).withPort(port).endPort().endSpec().build();
    List<String> addresses = config.activeGateways();
    EndpointsBuilder endpoints = new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Workloads.labels(name, component)).endMetadata();
    if (!addresses.isEmpty()) {
      endpoints.addNewSubset().addAllToAddresses(addresses.stream().map(a -> new EndpointAddressBuilder().withIp(a).build()).toList()).addNewPort().withName(portName).withPort(port).endPort().endSubset();
    }
    Endpoints built = endpoints.build();
    return List.of(new DesiredResource(service, enabled), new DesiredResource(built, enabled));
  }

  /** The Endpoints a passive role gives {@code name}, by name (what an active role removes: the Service is the same object in both). */
  static Endpoints endpoints(String name, String namespace) {
    return new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
  }

}
