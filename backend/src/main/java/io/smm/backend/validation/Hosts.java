package io.smm.backend.validation;

/**
 * Host names as Istio resolves them: a short name in a resource is relative to the resource's
 * namespace ("payments" in smm-demo is payments.smm-demo.svc.cluster.local), "*.example.com"
 * matches one or more leading labels.
 */
public final class Hosts {

  public static final String DOMAIN = "svc.cluster.local";

  private Hosts() {}

  /**
   * As istiod resolves a host of a resource in {@code namespace} (ResolveShortnameToFQDN): only a
   * name without a dot is short; "reviews.default" is taken as written, as Istio does.
   */
  public static String fqdn(String host, String namespace) {
    if (host.isEmpty() || host.startsWith("*") || host.contains(".")) {
      return host;
    }
    return host + "." + namespace + "." + DOMAIN;
  }

  /**
   * Whether two host names overlap (Istio's host.Name.Matches): equal, or a wildcard covering the
   * other, or two wildcards one of which covers the other.
   */
  public static boolean overlap(String a, String b) {
    boolean aWild = a.startsWith("*");
    boolean bWild = b.startsWith("*");
    if (aWild && bWild) {
      return a.length() < b.length() ? b.substring(1).endsWith(a.substring(1)) : a.substring(1).endsWith(b.substring(1));
    }
    if (aWild) {
      return b.endsWith(a.substring(1));
    }
    if (bWild) {
      return a.endsWith(b.substring(1));
    }
    return a.equals(b);
  }

  public static String serviceFqdn(KubeObject service) {
    return service.name() + "." + service.namespace() + "." + DOMAIN;
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
