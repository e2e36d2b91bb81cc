package io.smm.sandbox.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small OpenID Connect provider on 127.0.0.1 for tests and the sandbox, standing in for Dex or
 * a company's IdP: discovery, an authorization endpoint that logs in whichever user the test
 * chose (a real provider would show its login page), a token endpoint (client secret, PKCE S256,
 * one use per code) and the JWK set its RS256 ID tokens are signed with.
 */
public final class TestOidcProvider implements AutoCloseable {

  /** The user the next authorization logs in. */
  public record User(String subject, String email, List<String> groups) {}

  private record Grant(User user, String clientId, String redirectUri, String nonce, String challenge) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String issuer;
  private final String clientId;
  private final String clientSecret;
  private final RSAKey key;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile User user;
  private volatile String audience;

  public TestOidcProvider(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.audience = clientId;
    try {
      key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/.well-known/openid-configuration", ex -> json(ex, 200, Map.of("issuer", issuer,
        "authorization_endpoint", issuer + "/auth", "token_endpoint", issuer + "/token", "jwks_uri", issuer + "/keys",
        "response_types_supported", List.of("code"), "id_token_signing_alg_values_supported", List.of("RS256"),
        "code_challenge_methods_supported", List.of("S256"))));
    server.createContext("/keys", ex -> send(ex, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
    server.createContext("/auth", this::authorize);
    server.createContext("/token", this::token);
    server.start();
  }

  public String issuer() {
    return issuer;
  }

  /** Who logs in at the next authorization request. */
  public void loginAs(User next) {
    this.user = next;
  }

  /** Issue ID tokens for another audience from now on (what a misconfigured or malicious provider would do). */
  public void issueForAudience(String other) {
    this.audience = other;
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = form(ex.getRequestURI().getRawQuery());
    if (!clientId.equals(q.get("client_id")) || !"code".equals(q.get("response_type")) || q.get("redirect_uri") == null) {
      json(ex, 400, Map.of("error", "invalid_request"));
      return;
    }
    User who = user;
    if (who == null) {
      redirect(ex, q.get("redirect_uri") + "?error=access_denied&state=" + enc(q.getOrDefault("state", "")));
      return;
    }
    String code = token();
    codes.put(code, new Grant(who, q.get("client_id"), q.get("redirect_uri"), q.get("nonce"), q.get("code_challenge")));
    redirect(ex, q.get("redirect_uri") + "?code=" + enc(code) + "&state=" + enc(q.getOrDefault("state", "")));
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    String expected = "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(basic)) {
      json(ex, 401, Map.of("error", "invalid_client"));
      return;
    }
    Grant g = f.get("code") == null ? null : codes.remove(f.get("code")); // one use
    if (g == null || !g.redirectUri().equals(f.get("redirect_uri")) || f.get("code_verifier") == null
        || !s256(f.get("code_verifier")).equals(g.challenge())) {
      json(ex, 400, Map.of("error", "invalid_grant"));
      return;
    }
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(g.user().subject())
        .claim("email", g.user().email()).claim("email_verified", true).claim("groups", g.user().groups())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    if (g.nonce() != null) {
      claims.claim("nonce", g.nonce());
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    json(ex, 200, Map.of("id_token", jwt.serialize(), "access_token", token(), "token_type", "Bearer", "expires_in", 300));
  }

  private String token() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private static void json(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
