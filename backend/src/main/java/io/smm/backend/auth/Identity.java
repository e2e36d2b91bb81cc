package io.smm.backend.auth;

import java.util.List;

/**
 * Who a request acts as towards the Kubernetes API: the user name and groups the API server
 * authenticated (TokenReview) or the OIDC provider asserted, sent on as impersonation headers.
 */
public record Identity(String username, List<String> groups) {
  public Identity {
    if (username == null || username.isBlank()) {
      throw new IllegalArgumentException("an identity needs a user name");
    }
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
