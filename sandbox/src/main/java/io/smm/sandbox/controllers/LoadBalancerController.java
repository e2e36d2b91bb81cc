package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cloud controller's part for LoadBalancer Services: each gets an ingress address in its status,
 * as a cloud (or MetalLB on kind) would give one, so that what reads it (IstioMeshGateway
 * status.GatewayAddress, the manual's `kubectl get service` lookups) sees one. With an address of
 * its own ({@link LoadBalancers}: a loopback address of this sandbox), the load balancer also
 * forwards: every Service port listens there and passes each connection to a running pod of the
 * Service, so another sandbox (a peer cluster) reaches this one's gateways by address, as clusters
 * do. Without one, the address is 127.0.0.1 and nothing forwards (tests that run several clusters
 * in one process, where the ports would clash).
 */
final class LoadBalancerController implements AutoCloseable {

  static final String LOOPBACK = "127.0.0.1";

  private final KubernetesClient client;
  private final String address;
  private final LoadBalancers listeners;

  /** @param address the load balancer's own address, which it listens on; null for 127.0.0.1 without listeners */
  LoadBalancerController(KubernetesClient client, InetAddress address) {
    this.client = client;
    this.address = address == null ? LOOPBACK : address.getHostAddress();
    this.listeners = address == null ? null : new LoadBalancers(client, address);
  }

  void sync() {
    Set<String> open = new HashSet<>();
    for (Service service : client.services().inAnyNamespace().list().getItems()) {
      if (!"LoadBalancer".equals(service.getSpec().getType()) || service.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var status = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
      List<LoadBalancerIngress> ingress = status == null || status.getIngress() == null ? List.of() : status.getIngress();
      // A cluster kept from an earlier sandbox may carry another address: this load balancer's is the one that answers.
      if (ingress.size() != 1 || !address.equals(ingress.get(0).getIp())) {
        service.setStatus(new ServiceStatusBuilder().withLoadBalancer(new LoadBalancerStatusBuilder()
            .withIngress(new LoadBalancerIngressBuilder().withIp(address).build()).build()).build());
        client.services().inNamespace(service.getMetadata().getNamespace()).resource(service).updateStatus();
      }
      if (listeners != null) {
        for (ServicePort port : service.getSpec().getPorts()) {
          open.add(listeners.listen(service.getMetadata().getNamespace(), service.getMetadata().getName(), port.getPort()));
        }
      }
    }
    if (listeners != null) {
      listeners.retain(open);
    }
  }

  @Override
  public void close() {
    if (listeners != null) {
      listeners.close();
    }
  }
}
