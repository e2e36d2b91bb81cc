package io.smm.backend.auth;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns credentials into sessions and sessions into callers. Kubeconfig credentials are reviewed
 * by the Kubernetes API (TokenReview), OIDC logins by the provider; either way the user gets the
 * backend's own session token, and every request made with it acts as that user (impersonation).
 * In anonymous mode (an explicit opt-in) nobody logs in and every request is the backend's own.
 */
public final class Authenticator {

  /** What a login hands back: a session for API calls and a one-time token for a browser. */
  public record Login(SessionTokens.Session session, String loginToken) {}

  private final KubernetesClient own;
  private final boolean anonymous;
  private final SessionTokens sessions;
  private final LoginTokens loginTokens;
  private final TokenReviewer reviewer;
  private final NamespaceAccess access;
  private final Impersonation impersonation;
  private final LoginRateLimiter limiter;
  private final OidcLogin oidc;

  /**
   * @param own the backend's client: it reviews tokens, keeps the signing key and impersonates
   * @param oidc null when OIDC login is not configured
   */
  public Authenticator(KubernetesClient own, boolean anonymous, OidcSettings oidc, Clock clock) {
    this.own = own;
    this.anonymous = anonymous;
    this.sessions = new SessionTokens(new SessionKeys(own, clock, Duration.ofSeconds(5)),
        new RevokedSessions(own, clock, Duration.ofSeconds(2)), clock);
    this.loginTokens = new LoginTokens(clock);
    this.reviewer = new TokenReviewer(own);
    this.access = new NamespaceAccess(own, () -> own.namespaces().list().getItems().stream().map(n -> n.getMetadata().getName()).toList(),
        clock, Duration.ofSeconds(10));
    this.impersonation = new Impersonation(own);
    this.limiter = new LoginRateLimiter(clock, 10, Duration.ofMinutes(1));
    this.oidc = oidc == null ? null : new OidcLogin(oidc, clock);
  }

  public boolean anonymous() {
    return anonymous;
  }

  public Optional<OidcLogin> oidc() {
    return Optional.ofNullable(oidc);
  }

  /** The caller a request's {@code Authorization} header stands for. @throws AuthFailure when it stands for nobody */
  public Caller caller(String authorization) {
    if (anonymous) {
      return new Caller(new Identity("system:anonymous-smm", List.of()), own, null, true);
    }
    Identity identity = sessions.verify(bearer(authorization));
    return new Caller(identity, impersonation.as(identity), access, false);
  }

  /**
   * The caller again for a later operation on a connection authenticated earlier (a WebSocket):
   * null once its session expired or was logged out. Does not block.
   */
  public Caller stillValid(Caller caller, String authorization) {
    return anonymous || sessions.stillValid(bearer(authorization)) ? caller : null;
  }

  /** Kubeconfig login: the API server must know the token. Rate limited per client address. */
  public Login login(String kubeToken, String clientAddress) {
    return limited(clientAddress, () -> {
      Identity identity = reviewer.review(kubeToken);
      return new Login(sessions.issue(identity), loginTokens.issue(identity));
    });
  }

  /** A browser trades a one-time login token for a session. Rate limited per client address. */
  public SessionTokens.Session redeem(String loginToken, String clientAddress) {
    return limited(clientAddress, () -> sessions.issue(loginTokens.redeem(loginToken)));
  }

  /** Begins an OIDC login; the browser goes to the returned address. */
  public URI startOidc(String redirectUri) {
    return requireOidc().start(redirectUri);
  }

  /** Ends an OIDC login with a one-time login token for the dashboard to redeem. */
  public String finishOidc(String code, String state, String clientAddress) {
    return limited(clientAddress, () -> loginTokens.issue(requireOidc().finish(code, state)));
  }

  public void logout(String authorization) {
    if (!anonymous) {
      sessions.revoke(bearer(authorization));
    }
  }

  private OidcLogin requireOidc() {
    if (oidc == null) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "OIDC login is not enabled (spec.smm.auth.oidc)");
    }
    return oidc;
  }

  private <T> T limited(String client, Supplier<T> attempt) {
    if (!limiter.over(client)) {
      return counted(client, attempt);
    }
    // Over the limit: still checked (a valid credential always gets in), one at a time, a wrong one answered 429.
    synchronized (limiter.gate(client)) {
      try {
        return counted(client, attempt);
      } catch (AuthFailure e) {
        throw e.reason() == AuthFailure.Reason.AUTH_UNAVAILABLE ? e : limiter.refusal(client);
      }
    }
  }

  private <T> T counted(String client, Supplier<T> attempt) {
    try {
      return attempt.get();
    } catch (AuthFailure e) {
      if (e.reason() != AuthFailure.Reason.AUTH_UNAVAILABLE) {
        limiter.failed(client);
      }
      throw e;
    }
  }

  /** The token of an "Authorization: Bearer ..." header; null when there is none. */
  public static String bearer(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MALFORMED, "the Authorization header must be \"Bearer <token>\"");
    }
    return authorization.substring(7).trim();
  }
}
