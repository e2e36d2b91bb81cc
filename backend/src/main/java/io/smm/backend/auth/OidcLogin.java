package io.smm.backend.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's login through an external OIDC provider: authorization code flow with state,
 * nonce and PKCE; the ID token is verified against the provider's published keys (issuer,
 * audience = client ID, expiry, nonce) and mapped to a Kubernetes user as kube-apiserver would.
 */
public final class OidcLogin {

  /** How long a user may take at the provider's login page. */
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
  static final int MAX_PENDING = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Pending(String nonce, String verifier, String redirectUri, Instant expiresAt) {}

  private record Endpoints(String authorization, String token, String jwks) {}

  private final OidcSettings settings;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile Endpoints endpoints;
  private volatile DefaultJWTProcessor<SecurityContext> verifier;

  public OidcLogin(OidcSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Where to send the browser; {@code redirectUri} is this backend's callback as the browser reaches it. */
  public URI start(String redirectUri) {
    Endpoints e = endpoints();
    String state = randomString();
    String nonce = randomString();
    String verifier = randomString();
    Instant now = clock.instant();
    pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
    if (pending.size() >= MAX_PENDING) {
      // Anyone may start a login; a flood of them must not grow this map without bound.
      throw new AuthFailure(AuthFailure.Reason.RATE_LIMITED, "too many OIDC logins in progress; try again in a few minutes");
    }
    pending.put(state, new Pending(nonce, verifier, redirectUri, now.plus(PENDING_LIFETIME)));
    return URI.create(e.authorization() + (e.authorization().contains("?") ? "&" : "?") + form(Map.of(
        "response_type", "code", "client_id", settings.clientId(), "redirect_uri", redirectUri,
        "scope", "openid email profile groups", "state", state, "nonce", nonce,
        "code_challenge", challenge(verifier), "code_challenge_method", "S256")));
  }

  /** The Kubernetes identity of the user the provider sent back. @throws AuthFailure OIDC_FAILED saying why */
  public Identity finish(String code, String state) {
    Pending p = state == null ? null : pending.remove(state);
    if (p == null || !clock.instant().isBefore(p.expiresAt())) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "unknown or expired login attempt (state): start the login again");
    }
    if (code == null || code.isBlank()) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the provider sent no authorization code");
    }
    String idToken = exchange(code, p);
    JWTClaimsSet claims;
    try {
      claims = verifier().process(idToken, null);
    } catch (Exception ex) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the provider's ID token was refused: " + ex.getMessage());
    }
    if (!p.nonce().equals(claims.getClaim("nonce"))) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the ID token's nonce does not belong to this login (replayed token?)");
    }
    return identity(claims);
  }

  Identity identity(JWTClaimsSet claims) {
    for (var required : settings.requiredClaims().entrySet()) {
      if (!required.getValue().equals(String.valueOf(claims.getClaim(required.getKey())))) {
        throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the ID token lacks the required claim " + required.getKey() + "="
            + required.getValue());
      }
    }
    Object name = claims.getClaim(settings.usernameClaim());
    if (!(name instanceof String s) || s.isBlank()) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the ID token has no \"" + settings.usernameClaim() + "\" claim to name the user");
    }
    if ("email".equals(settings.usernameClaim()) && Boolean.FALSE.equals(claims.getClaim("email_verified"))) {
      throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the provider says the email address is not verified");
    }
    List<String> groups = new ArrayList<>();
    if (settings.groupsClaim() != null) {
      Object g = claims.getClaim(settings.groupsClaim());
      if (g instanceof String one) {
        groups.add(settings.group(one));
      } else if (g instanceof List<?> many) {
        many.forEach(v -> groups.add(settings.group(String.valueOf(v))));
      }
    }
    return new Identity(settings.username(s), groups);
  }

  private String exchange(String code, Pending p) {
    Endpoints e = endpoints();
    String basic = Base64.getEncoder().encodeToString((enc(settings.clientId()) + ":" + enc(settings.clientSecret() == null ? ""
        : settings.clientSecret())).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(e.token())).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
            "redirect_uri", p.redirectUri(), "code_verifier", p.verifier())))).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !body.hasNonNull("id_token")) {
        throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the provider's token endpoint answered " + response.statusCode()
            + (body.hasNonNull("error") ? " (" + body.get("error").asText() + ")" : "") + " without an ID token");
      }
      return body.get("id_token").asText();
    } catch (IOException ex) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "the OIDC provider's token endpoint cannot be reached: " + ex.getMessage(), ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "interrupted while talking to the OIDC provider", ex);
    }
  }

  private Endpoints endpoints() {
    Endpoints e = endpoints;
    if (e != null) {
      return e;
    }
    String discovery = settings.issuerUrl() + "/.well-known/openid-configuration";
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(discovery)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode doc = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !settings.issuerUrl().equals(doc.path("issuer").asText())) {
        throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, discovery + " answered " + response.statusCode()
            + " or names another issuer than " + settings.issuerUrl());
      }
      e = new Endpoints(doc.path("authorization_endpoint").asText(), doc.path("token_endpoint").asText(), doc.path("jwks_uri").asText());
      endpoints = e;
      return e;
    } catch (IOException ex) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "the OIDC provider cannot be reached at " + discovery + ": " + ex.getMessage(), ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "interrupted while talking to the OIDC provider", ex);
    }
  }

  private DefaultJWTProcessor<SecurityContext> verifier() {
    DefaultJWTProcessor<SecurityContext> v = verifier;
    if (v != null) {
      return v;
    }
    try {
      var keys = JWKSourceBuilder.<SecurityContext>create(URI.create(endpoints().jwks()).toURL()).build();
      v = new DefaultJWTProcessor<>();
      v.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
      v.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.clientId(),
          new JWTClaimsSet.Builder().issuer(settings.issuerUrl()).build(), new HashSet<>(List.of("sub", "exp", "iat", "nonce"))));
      verifier = v;
      return v;
    } catch (MalformedURLException ex) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "the provider's jwks_uri is not a URL: " + endpoints().jwks());
    }
  }

  private String randomString() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    return out.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
