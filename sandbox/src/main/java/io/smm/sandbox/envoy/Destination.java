package io.smm.sandbox.envoy;

/**
 * Where an outbound call goes, as the caller's sidecar resolves it: a Kubernetes Service, a
 * ServiceEntry host, or neither (PassthroughCluster under ALLOW_ANY, BlackHoleCluster under
 * REGISTRY_ONLY). {@code host} is what Istio's metrics call destination_service.
 */
public record Destination(Kind kind, String host, String serviceName, String namespace) {

  public enum Kind { SERVICE, SERVICE_ENTRY, PASSTHROUGH, BLACKHOLE }

  static Destination service(String name, String namespace) {
    return new Destination(Kind.SERVICE, name + "." + namespace + ".svc.cluster.local", name, namespace);
  }

  /** The name Istio's metrics give the destination service (destination_service_name). */
  String metricName() {
    return switch (kind) {
      case SERVICE -> serviceName;
      case SERVICE_ENTRY -> host;
      case PASSTHROUGH -> "PassthroughCluster";
      case BLACKHOLE -> "BlackHoleCluster";
    };
  }

  /** destination_service_namespace: the Service's or ServiceEntry's namespace; unknown otherwise. */
  String metricNamespace() {
    return kind == Kind.SERVICE || kind == Kind.SERVICE_ENTRY ? namespace : "unknown";
  }

  /**
   * Whether a host as written in an Istio resource of namespace {@code writtenIn} names this
   * destination: a short name resolves in that namespace, "name.ns" and the FQDN everywhere, and
   * "*.suffix" wildcards match.
   */
  boolean isNamedBy(String written, String writtenIn) {
    if (written.equals("*")) {
      return true;
    }
    if (kind != Kind.SERVICE) {
      return written.equals(host) || written.startsWith("*.") && host.endsWith(written.substring(1));
    }
    return written.equals(host) || written.equals(serviceName + "." + namespace)
        || written.equals(serviceName) && writtenIn.equals(namespace)
        || written.startsWith("*.") && host.endsWith(written.substring(1));
  }
}
