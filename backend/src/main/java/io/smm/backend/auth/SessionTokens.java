package io.smm.backend.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The backend's own ID tokens (seed: a JWT valid 10 hours, signed with the key in
 * smm-authentication). A token names the Kubernetes user and groups it acts as; it is checked for
 * signature, issuer, audience, expiry and logout on every request.
 */
public final class SessionTokens {

  public static final Duration LIFETIME = Duration.ofHours(10);
  static final String ISSUER = "smm-backend";
  static final String AUDIENCE = "smm-api";

  /** A token and when it stops working. */
  public record Session(String token, Instant expiresAt, Identity identity) {}

  private final SessionKeys keys;
  private final Clock clock;
  /** Logged-out token ids until they would have expired anyway, shared by every replica. */
  private final RevokedSessions revoked;

  public SessionTokens(SessionKeys keys, RevokedSessions revoked, Clock clock) {
    this.keys = keys;
    this.revoked = revoked;
    this.clock = clock;
  }

  public Session issue(Identity identity) {
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(identity.username())
        .claim("groups", identity.groups()).issueTime(Date.from(now)).expirationTime(Date.from(expires))
        .jwtID(UUID.randomUUID().toString()).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(keys.current()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a session token", e);
    }
    return new Session(jwt.serialize(), expires, identity);
  }

  /** The identity a token stands for. @throws AuthFailure saying why it is refused */
  public Identity verify(String token) {
    JWTClaimsSet claims = claims(token);
    return new Identity(claims.getSubject(), groups(claims));
  }

  /**
   * Whether a token verified earlier is still good: not expired, not logged out. Reads nothing
   * from Kubernetes (the signature was checked when it was first verified), so it may run where
   * blocking is not allowed, e.g. for every operation on an open WebSocket.
   */
  public boolean stillValid(String token) {
    try {
      JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
      return claims.getExpirationTime() != null && clock.instant().isBefore(claims.getExpirationTime().toInstant())
          && !revoked.containsCached(claims.getJWTID());
    } catch (ParseException e) {
      return false;
    }
  }

  /** Ends a session: its token is refused from now on, by every replica and after restarts, even though it has not expired. */
  public void revoke(String token) {
    JWTClaimsSet claims = claims(token);
    revoked.add(claims.getJWTID(), claims.getExpirationTime().toInstant());
  }

  private JWTClaimsSet claims(String token) {
    if (token == null || token.isBlank()) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MISSING, "no session token: log in with `smm login` or `smm dashboard`");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MALFORMED, "the session token is not a JWT");
    }
    try {
      // Only HS256 with our key: a token that names another algorithm ("none", RS256 with a key
      // of the attacker's choosing) is refused before its signature is looked at.
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(keys.current()))) {
        throw new AuthFailure(AuthFailure.Reason.TOKEN_SIGNATURE_INVALID,
            "the session token's signature does not match the current key (forged, or the key was rotated): log in again");
      }
    } catch (JOSEException e) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_SIGNATURE_INVALID, "the session token's signature cannot be checked");
    }
    if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().equals(List.of(AUDIENCE))) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_AUDIENCE_INVALID, "the token was not issued by this backend for its API");
    }
    if (claims.getSubject() == null || claims.getJWTID() == null || claims.getExpirationTime() == null) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MALFORMED, "the session token lacks its subject, id or expiry");
    }
    if (!clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_EXPIRED, "the session expired at " + claims.getExpirationTime().toInstant()
          + ": log in again");
    }
    if (revoked.contains(claims.getJWTID())) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_REVOKED, "this session was logged out: log in again");
    }
    return claims;
  }

  private static List<String> groups(JWTClaimsSet claims) {
    try {
      List<String> groups = claims.getStringListClaim("groups");
      return groups == null ? List.of() : groups;
    } catch (ParseException e) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MALFORMED, "the session token's groups are not a list of names");
    }
  }
}
