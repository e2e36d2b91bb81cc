package io.smm.sandbox.envoy;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
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
