package io.smm.backend.http;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.backend.auth.OidcSettings;
import java.util.Map;

/** spec.smm.auth of the ControlPlane "smm": the authentication mode (`smm install --anonymous-auth`) and OIDC. */
final class AuthSettings {

  private static final ResourceDefinitionContext CONTROL_PLANE = new ResourceDefinitionContext.Builder()
      .withGroup("smm.cisco.com").withVersion("v1alpha1").withKind("ControlPlane").withPlural("controlplanes")
      .withNamespaced(false).build();

  private AuthSettings() {}

  static boolean anonymous(KubernetesClient client) {
    return "anonymous".equals(auth(client).get("mode"));
  }

  @SuppressWarnings("unchecked")
  static OidcSettings oidc(KubernetesClient client) {
    return OidcSettings.fromSpec((Map<String, Object>) auth(client).get("oidc"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> auth(KubernetesClient client) {
    GenericKubernetesResource cp;
    try {
      cp = client.genericKubernetesResources(CONTROL_PLANE).withName("smm").get();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return Map.of(); // no ControlPlane CRD yet: the defaults (impersonation, no OIDC)
    }
    if (cp == null || !(cp.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("smm") instanceof Map<?, ?> smm) || !(smm.get("auth") instanceof Map<?, ?> auth)) {
      return Map.of();
    }
    return (Map<String, Object>) auth;
  }
}
