package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What a sidecar knows about hosts: Kubernetes Services and ServiceEntry hosts, narrowed by the
 * Sidecar resource that applies to the calling pod (egress hosts), and what happens to the rest
 * (outbound traffic policy of the Sidecar resource, else of the mesh config: ALLOW_ANY goes
 * through PassthroughCluster, REGISTRY_ONLY to BlackHoleCluster).
 */
public final class ServiceRegistry {

  private final Store<Service> services;
  private final BiFunction<String, String, Service> remote;

  public ServiceRegistry(Store<Service> services) {
    this(services, (namespace, name) -> null);
  }

  /** @param remote a Service only other clusters of the mesh have, by namespace and name (null: none) */
  public ServiceRegistry(Store<Service> services, BiFunction<String, String, Service> remote) {
    this.services = services;
    this.remote = remote;
  }

  /** This cluster's Service, else another cluster's of the same name and namespace (Istio merges them by hostname). */
  public Service service(String namespace, String name) {
    Service local = services.getByKey(namespace + "/" + name);
    return local != null ? local : remote.apply(namespace, name);
  }

  /** The calling pod as the Sidecar resource and routing see it. */
  /** Who calls: its namespace, labels, control plane revision, and network (ISTIO_META_NETWORK, what istiod places its proxy by; "" for none). */
  public record Caller(String namespace, Map<String, String> labels, String revision, String network) {}

  public Destination resolve(MeshResources.Snapshot mesh, Caller caller, String host) {
    Destination known = known(mesh, caller.namespace(), host);
    JsonNode sidecar = Sidecars.applying(mesh, caller);
    if (known != null && visible(sidecar, caller.namespace(), known)) {
      return known;
    }
    String mode = sidecar.at("/outboundTrafficPolicy/mode").asText(
        mesh.meshConfig(caller.revision()).at("/outboundTrafficPolicy/mode").asText("ALLOW_ANY"));
    Destination.Kind kind = mode.equals("REGISTRY_ONLY") ? Destination.Kind.BLACKHOLE : Destination.Kind.PASSTHROUGH;
    // A Service hidden by the Sidecar resource is still reached through PassthroughCluster, by its IP.
    return known != null && known.kind() == Destination.Kind.SERVICE
        ? new Destination(kind, known.host(), known.serviceName(), known.namespace())
        : new Destination(kind, host, null, null);
  }

  private Destination known(MeshResources.Snapshot mesh, String callerNamespace, String host) {
    String[] parts = host.split("\\.");
    if (parts.length == 1 && service(callerNamespace, host) != null) {
      return Destination.service(host, callerNamespace);
    }
    if (parts.length >= 2 && (parts.length == 2 || host.endsWith(".svc.cluster.local") || host.endsWith(".svc"))
        && service(parts[1], parts[0]) != null) {
      return Destination.service(parts[0], parts[1]);
    }
    for (MeshResources.Rule se : mesh.serviceEntries()) {
      for (JsonNode h : se.spec().path("hosts")) {
        String written = h.asText();
        if (written.equals(host) || written.startsWith("*.") && host.endsWith(written.substring(1))) {
          return new Destination(Destination.Kind.SERVICE_ENTRY, host, host, se.namespace());
        }
      }
    }
    return null;
  }

  /** Egress hosts are "namespace/dnsName": "." is the caller's namespace, "*" any; no Sidecar resource shows everything. */
  private static boolean visible(JsonNode sidecar, String callerNamespace, Destination d) {
    JsonNode egress = sidecar.path("egress");
    if (!egress.isArray() || egress.isEmpty()) {
      return true;
    }
    for (JsonNode listener : egress) {
      for (JsonNode h : listener.path("hosts")) {
        String entry = h.asText();
        int slash = entry.indexOf('/');
        String ns = slash < 0 ? "*" : entry.substring(0, slash);
        String dns = slash < 0 ? entry : entry.substring(slash + 1);
        if (ns.equals(".")) {
          ns = callerNamespace;
        }
        if ((ns.equals("*") || ns.equals(d.namespace())) && (dns.equals("*") || d.isNamedBy(dns, d.namespace()))) {
          return true;
        }
      }
    }
    return false;
  }
}
