package io.smm.backend.auth;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Who is asking, for one request: their identity, a Kubernetes client that acts as them
 * (impersonation, so the API server's RBAC decides), and which namespaces' metrics, taps and
 * findings they may see. In anonymous mode the client is the backend's own and everything is
 * visible.
 */
public record Caller(Identity identity, KubernetesClient client, NamespaceAccess access, boolean anonymous) {

  public NamespaceAccess.Visible visible() {
    return access == null ? NamespaceAccess.Visible.EVERYTHING : access.visible(identity);
  }

  /** @throws NamespaceForbiddenException unless this caller may get pods in the namespace */
  public void require(String namespace) {
    if (access != null) {
      access.require(identity, namespace);
    }
  }

  /** @throws NamespaceForbiddenException unless this caller may get pods in every namespace */
  public void requireAll() {
    if (access != null) {
      access.requireAll(identity);
    }
  }
}
