package io.smm.sandbox.vm;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.kubelet.PodNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a connection from the VM goes through to reach the cluster: the name is looked up in the
 * VM's {@code /etc/hosts} (where smm-agent puts the meshexpansion gateway's address for istiod's
 * name), and the address and port are the cloud load balancer of a LoadBalancer Service, which
 * forwards to a running pod behind it. The sandbox's load balancers all have the machine's
 * loopback address and forward nothing themselves, so this follows the Service to its pod and the
 * route the kubelet published for the pod's port ({@link PodNetwork}).
 */
final class VmNetwork {

  private final Path root;
  private final KubernetesClient cluster;

  VmNetwork(Path root, KubernetesClient cluster) {
    this.root = root;
    this.cluster = cluster;
  }

  /**
   * Where a connection to {@code hostPort} (name:port) lands on this machine.
   *
   * @throws IllegalStateException saying why it cannot be reached: an unknown name, no load balancer or no pod behind it
   */
  String route(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalStateException(hostPort + " has no port");
    }
    String host = hostPort.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(hostPort + " has no port number");
    }
    String address = host.matches("[0-9.]+") ? host : lookup(host)
        .orElseThrow(() -> new IllegalStateException("cannot resolve " + host + ": no entry in the VM's /etc/hosts"));
    for (Service service : cluster.services().inAnyNamespace().list().getItems()) {
      if (!"LoadBalancer".equals(service.getSpec().getType()) || service.getSpec().getSelector() == null || !ingressAt(service, address)
          || service.getSpec().getPorts().stream().map(ServicePort::getPort).noneMatch(p -> p == port)) {
        continue;
      }
      return ServicePorts.runningRoute(cluster, service, port).orElseThrow(() -> new IllegalStateException(address + ":" + port + " (" + service.getMetadata().getName() + ") has no running pod behind it"));
    }
    throw new IllegalStateException("nothing answers at " + address + ":" + port + " (" + host + "): no load balancer there");
  }

  /** The address the VM's /etc/hosts gives {@code host}: its last entry, as smm-agent appends its block. */
  private Optional<String> lookup(String host) {
    List<String> lines;
    try {
      lines = Files.readAllLines(root.resolve("etc/hosts"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the VM's /etc/hosts", e);
    }
    String found = null;
    for (String line : lines) {
      String[] fields = line.replaceFirst("#.*", "").trim().split("\\s+");
      for (int i = 1; i < fields.length; i++) {
        if (fields[i].equalsIgnoreCase(host)) {
          found = fields[0];
        }
      }
    }
    return Optional.ofNullable(found);
  }

  private static boolean ingressAt(Service service, String address) {
    var lb = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
    return lb != null && lb.getIngress() != null && lb.getIngress().stream().map(LoadBalancerIngress::getIp).anyMatch(address::equals);
  }
}
