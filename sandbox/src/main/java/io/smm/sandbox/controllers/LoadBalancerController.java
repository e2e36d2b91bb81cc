package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The cloud controller's part for LoadBalancer Services: each gets an ingress address in its status,
 * as a cloud (or MetalLB on kind) would give one, so that what reads it (IstioMeshGateway
 * status.GatewayAddress, the manual's `kubectl get service` lookups) sees one. The address is this
 * machine's loopback; no load balancer forwards anything to it.
 */
final class LoadBalancerController {

  static final String ADDRESS = "127.0.0.1";

  private final KubernetesClient client;

  LoadBalancerController(KubernetesClient client) {
    this.client = client;
  }

  void sync() {
    for (Service service : client.services().inAnyNamespace().list().getItems()) {
      if (!"LoadBalancer".equals(service.getSpec().getType()) || service.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var status = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
      if (status != null && status.getIngress() != null && !status.getIngress().isEmpty()) {
        continue;
      }
      service.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withLoadBalancer(new LoadBalancerStatusBuilder()
          .withIngress(new LoadBalancerIngressBuilder().withIp(ADDRESS).build()).build()).build());
      client.services().inNamespace(service.getMetadata().getNamespace()).resource(service).updateStatus();
    }
  }
}
