package io.smm.sandbox.envoy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Optional;

/**
 * An endpoint in another cluster of the mesh, as istiod learns it through a remote secret: the
 * pod, the Service that selects it there (whose ports map to its container ports), who it is in
 * the mesh (its cluster as its sidecar reports it), and where its ports listen on this machine
 * (what the pod network routes a pod IP to; {@link PodNetwork}). Its sidecar runs in the other
 * cluster's sandbox: the call reaches it over the wire, as any other. An endpoint on another
 * network is reached through that network's gateway ({@code via}, from meshNetworks), not directly.
 */
public record RemoteEndpoint(Pod pod, Service service, MeshIdentity identity, Map<Integer, String> listeners, MeshNetworks.Gateway via)
    implements Endpoint {

  public RemoteEndpoint(Pod pod, Service service, MeshIdentity identity, Map<Integer, String> listeners) {
    this(pod, service, identity, listeners, null);
  }

  /** The same endpoint as a sidecar on another network gets it: behind its network's gateway. */
  public RemoteEndpoint through(MeshNetworks.Gateway gateway) {
    return new RemoteEndpoint(pod, service, identity, listeners, gateway);
  }

  @Override
  public SidecarProxy sidecar() {
    return null;
  }

  /** Injected pods carry security.istio.io/tlsMode=istio, which auto mTLS reads from the endpoint's metadata. */
  public boolean mutualTlsCapable() {
    return pod.getMetadata().getLabels() != null && "istio".equals(pod.getMetadata().getLabels().get("security.istio.io/tlsMode"));
  }

  /** The container port a port of the remote Service targets (number, or port name on the pod); -1 when none. */
  public int containerPort(int servicePort) {
    return ServicePorts.containerPort(service, pod, servicePort);
  }

  /** Where the Service port reaches the pod from this machine (on the pod network: from the same network only). */
  public Optional<String> address(int servicePort) {
    return Optional.ofNullable(listeners.get(containerPort(servicePort)));
  }
}
