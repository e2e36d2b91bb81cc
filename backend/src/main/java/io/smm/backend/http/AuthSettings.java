package io.smm.backend.http;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.backend.auth.OidcSettings;
import io.smm.backend.cluster.ClusterQueries;
import java.util.Map;

/**
 * spec.smm.auth of the ControlPlane "smm": the authentication mode (`smm install --anonymous-auth`)
 * and OIDC (null when not enabled).
 */
record AuthSettings(boolean anonymous, OidcSettings oidc) {

  /** Read once at start; without a readable ControlPlane, the defaults (impersonation, no OIDC). */
  @SuppressWarnings("unchecked")
  static AuthSettings read(ClusterQueries clusters) {
    Map<String, Object> spec;
    try {
      spec = clusters.controlPlaneSpec();
    } catch (KubernetesClientException e) {
      spec = Map.of(); // no ControlPlane CRD yet
    }
    Map<String, Object> auth = spec.get("smm") instanceof Map<?, ?> smm && smm.get("auth") instanceof Map<?, ?> a
        ? (Map<String, Object>) a : Map.of();
    return new AuthSettings("anonymous".equals(auth.get("mode")), OidcSettings.fromSpec((Map<String, Object>) auth.get("oidc")));
  }
}
