package io.smm.backend.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Asks the Kubernetes API who a bearer token (a kubeconfig's static token, or what its exec plugin
 * printed) belongs to, so the backend trusts exactly the users the API server trusts.
 */
public final class TokenReviewer {

  private final KubernetesClient client;

  public TokenReviewer(KubernetesClient client) {
    this.client = client;
  }

  /** @throws AuthFailure CREDENTIALS_REJECTED when the API server does not know the token */
  public Identity review(String token) {
    if (token == null || token.isBlank()) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MISSING, "log in with the bearer token of your kubeconfig");
    }
    TokenReview answer;
    try {
      answer = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token)
          .endSpec().build());
    } catch (KubernetesClientException e) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "the Kubernetes API could not review the token: "
          + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()), e);
    }
    var status = answer.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
      String why = status == null || status.getError() == null ? "" : ": " + status.getError();
      throw new AuthFailure(AuthFailure.Reason.CREDENTIALS_REJECTED, "the Kubernetes API does not accept these credentials" + why);
    }
    return new Identity(status.getUser().getUsername(), status.getUser().getGroups());
  }
}
