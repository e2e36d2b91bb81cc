package io.smm.backend.validation;

/**
 * Host names as Istio resolves them: a short name in a resource is relative to the resource's
 * namespace ("payments" in smm-demo is payments.smm-demo.svc.cluster.local), "*.example.com"
 * matches one or more leading labels.
 */
public final class Hosts {

  public static final String DOMAIN = "svc.cluster.local";

  private Hosts() {}

  public static String fqdn(String host, String namespace) {
    if (host.equals("*") || host.startsWith("*.") && host.indexOf('.') == host.lastIndexOf('.')) {
      return host;
    }
    long dots = host.chars().filter(c -> c == '.').count();
    if (dots == 0) {
      return host + "." + namespace + "." + DOMAIN;
    }
    if (dots == 1 && !host.startsWith("*")) {
      return host + "." + DOMAIN;
    }
    if (host.endsWith(".svc")) {
      return host + ".cluster.local";
    }
    return host;
  }

  public static String serviceFqdn(KubeObject service) {
    return service.name() + "." + service.namespace() + "." + DOMAIN;
  }

  /** Whether {@code pattern} (maybe a wildcard) covers {@code host}. */
  public static boolean matches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return host.endsWith(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  /** The namespace a service FQDN lives in, or null for hosts outside the cluster domain. */
  public static String namespaceOf(String fqdn) {
    if (!fqdn.endsWith("." + DOMAIN)) {
      return null;
    }
    String[] parts = fqdn.substring(0, fqdn.length() - DOMAIN.length() - 1).split("\\.");
    return parts.length == 2 ? parts[1] : null;
  }
}
