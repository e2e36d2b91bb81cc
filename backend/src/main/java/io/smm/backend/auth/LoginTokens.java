package io.smm.backend.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use login tokens (seed: `smm login` prints one valid 10 s to paste into the
 * dashboard's login window; `smm dashboard` hands one to the browser). Random and kept only here,
 * so a token says nothing by itself, and redeeming one removes it: a replay is refused.
 */
public final class LoginTokens {

  public static final Duration LIFETIME = Duration.ofSeconds(10);

  private record Pending(Identity identity, Instant expiresAt) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public LoginTokens(Clock clock) {
    this.clock = clock;
  }

  public String issue(Identity identity) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
    pending.put(token, new Pending(identity, now.plus(LIFETIME)));
    return token;
  }

  /** The identity the token was issued for; the token is used up. @throws AuthFailure when unknown, used or expired */
  public Identity redeem(String token) {
    Pending p = token == null ? null : pending.remove(token);
    if (p == null) {
      throw new AuthFailure(AuthFailure.Reason.LOGIN_TOKEN_INVALID,
          "unknown or already used login token: run `smm login` (or `smm dashboard`) for a new one");
    }
    if (!clock.instant().isBefore(p.expiresAt())) {
      throw new AuthFailure(AuthFailure.Reason.LOGIN_TOKEN_INVALID,
          "the login token expired (valid " + LIFETIME.toSeconds() + " s): run `smm login` for a new one");
    }
    return p.identity();
  }
}
