package io.smm.sandbox.envoy;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kubelet.PodNetwork;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/** Where a Service port lands on one of its pods, as kube-proxy and EDS map it. */
public final class ServicePorts {

  private ServicePorts() {}

  /**
   * The container port a port of {@code service} targets on {@code pod}: its targetPort (a number, or
   * the name of a container port of the pod), the port itself without one or without a Service;
   * -1 when the Service has no such port or the pod no such named port.
   */
  /**
   * The pods behind {@code service} that can take a connection: selected by it, Running and not being
   * deleted. None for a Service without a selector (its endpoints are not pods).
   */
  public static List<Pod> runningPods(KubernetesClient client, Service service) {
    if (service.getSpec().getSelector() == null) {
      return List.of();
    }
    return client.pods().inNamespace(service.getMetadata().getNamespace()).withLabels(service.getSpec().getSelector()).list().getItems()
        .stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
            && p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /**
   * Where a port of {@code service} reaches a running pod of it on this machine: the route its
   * kubelet publishes for the target port ({@link PodNetwork}), of the first running pod that has one.
   */
  public static Optional<String> runningRoute(KubernetesClient client, Service service, int servicePort) {
    for (Pod pod : runningPods(client, service)) {
      String route = PodNetwork.routes(pod).get(containerPort(service, pod, servicePort));
      if (route != null) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  /**
   * The first address of {@code endpoints} on this machine (127.0.0.0/8: another sandbox's load
   * balancer listens there) with the first port of its subset that {@code port} accepts, as ip:port;
   * the sandbox sends nothing off this machine.
   */
  public static Optional<String> loopbackEndpoint(Endpoints endpoints, BiPredicate<EndpointSubset, EndpointPort> port) {
    if (endpoints == null || endpoints.getSubsets() == null) {
      return Optional.empty();
    }
    for (EndpointSubset subset : endpoints.getSubsets()) {
      Integer target = subset.getPorts() == null ? null : subset.getPorts().stream().filter(p -> port.test(subset, p))
          .map(EndpointPort::getPort).findFirst().orElse(null);
      for (EndpointAddress address : subset.getAddresses() == null ? List.<EndpointAddress>of() : subset.getAddresses()) {
        if (target != null && address.getIp() != null && address.getIp().startsWith("127.")) {
          return Optional.of(address.getIp() + ":" + target);
        }
      }
    }
    return Optional.empty();
  }

  public static int containerPort(Service service, Pod pod, int servicePort) {
    if (service == null || service.getSpec().getPorts() == null) {
      return servicePort;
    }
    ServicePort sp = service.getSpec().getPorts().stream().filter(p -> p.getPort() == servicePort).findFirst().orElse(null);
    if (sp == null) {
      return -1;
    }
    if (sp.getTargetPort() == null) {
      return servicePort;
    }
    if (sp.getTargetPort().getIntVal() != null) {
      return sp.getTargetPort().getIntVal();
    }
    String name = sp.getTargetPort().getStrVal();
    return pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
        .filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(-1);
  }
}
