package io.smm.backend.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ControlPlane's spec.smm.auth.oidc, which mirrors kube-apiserver's --oidc-* flags so that a
 * user gets the same Kubernetes name here as the API server would give them.
 *
 * @param usernamePrefix null = the API server's default (none for the email claim, else the issuer
 *     URL and "#"); "-" = no prefix
 */
public record OidcSettings(String issuerUrl, String clientId, String clientSecret, String usernameClaim, String usernamePrefix,
    String groupsClaim, String groupsPrefix, Map<String, String> requiredClaims) {

  public OidcSettings {
    if (issuerUrl == null || issuerUrl.isBlank() || clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("OIDC needs spec.smm.auth.oidc.client.issuerURL and client.id");
    }
    issuerUrl = issuerUrl.endsWith("/") ? issuerUrl.substring(0, issuerUrl.length() - 1) : issuerUrl;
    usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? "sub" : usernameClaim;
    requiredClaims = requiredClaims == null ? Map.of() : Map.copyOf(requiredClaims);
  }

  /** The Kubernetes user name for a claim value, prefixed as kube-apiserver does. */
  public String username(String claimValue) {
    if ("-".equals(usernamePrefix)) {
      return claimValue;
    }
    if (usernamePrefix == null) {
      return "email".equals(usernameClaim) ? claimValue : issuerUrl + "#" + claimValue;
    }
    return usernamePrefix + claimValue;
  }

  public String group(String claimValue) {
    return groupsPrefix == null ? claimValue : groupsPrefix + claimValue;
  }

  /** From spec.smm.auth.oidc of the ControlPlane (as read generically); null when not enabled. */
  @SuppressWarnings("unchecked")
  public static OidcSettings fromSpec(Map<String, Object> oidc) {
    if (oidc == null || !Boolean.TRUE.equals(oidc.get("enabled"))) {
      return null;
    }
    Map<String, Object> client = (Map<String, Object>) oidc.getOrDefault("client", Map.of());
    Map<String, Object> username = (Map<String, Object>) oidc.getOrDefault("username", Map.of());
    Map<String, Object> groups = (Map<String, Object>) oidc.getOrDefault("groups", Map.of());
    Map<String, String> required = new LinkedHashMap<>();
    ((Map<String, Object>) oidc.getOrDefault("requiredClaims", Map.of())).forEach((k, v) -> required.put(k, String.valueOf(v)));
    return new OidcSettings((String) client.get("issuerURL"), (String) client.get("id"), (String) client.get("secret"),
        (String) username.get("claim"), (String) username.get("prefix"), (String) groups.get("claim"), (String) groups.get("prefix"),
        required);
  }
}
