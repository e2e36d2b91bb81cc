package io.smm.backend.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session tokens: lifetime, key rotation through the smm-authentication secret, forgeries, logout; login tokens; rate limit. */
class SessionTokensTest {

  static final Identity ALICE = new Identity("alice", List.of("dev", "system:authenticated"));

  EmbeddedApiServer api;
  KubernetesClient client;
  MutableClock clock = new MutableClock();
  SessionTokens tokens;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.startWithRbac(0);
    client = api.newClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-system").endMetadata().build()).create();
    tokens = new SessionTokens(new SessionKeys(client, clock, Duration.ofSeconds(5)), new RevokedSessions(client, clock, Duration.ofSeconds(2)), clock);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  static void refused(ThrowingCallable call, AuthFailure.Reason reason) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AuthFailure.class, f -> assertThat(f.reason()).isEqualTo(reason));
  }

  @Test
  void aSessionNamesTheUserAndGroupsAndEndsAfterTenHours() {
    SessionTokens.Session s = tokens.issue(ALICE);
    assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(10)));
    assertThat(tokens.verify(s.token())).isEqualTo(ALICE);
    clock.advance(Duration.ofHours(10).minusSeconds(1));
    assertThat(tokens.verify(s.token())).isEqualTo(ALICE);
    clock.advance(Duration.ofSeconds(1));
    refused(() -> tokens.verify(s.token()), AuthFailure.Reason.TOKEN_EXPIRED);
  }

  @Test
  void theKeyLivesInTheSecretAndDeletingTheSecretRotatesIt() {
    SessionTokens.Session before = tokens.issue(ALICE);
    var secret = client.secrets().inNamespace("smm-system").withName("smm-authentication").get();
    assertThat(secret).as("made on first use").isNotNull();
    byte[] key = Base64.getDecoder().decode(secret.getData().get("jwt-signing-key"));
    assertThat(key).hasSize(32);
    // A second backend (replica, restart) reading the same secret accepts the session.
    assertThat(new SessionTokens(new SessionKeys(client, clock, Duration.ofSeconds(5)), new RevokedSessions(client, clock, Duration.ofSeconds(2)), clock).verify(before.token())).isEqualTo(ALICE);

    client.secrets().inNamespace("smm-system").withName("smm-authentication").delete(); // the seed's rotation
    clock.advance(Duration.ofSeconds(5));
    refused(() -> tokens.verify(before.token()), AuthFailure.Reason.TOKEN_SIGNATURE_INVALID);
    SessionTokens.Session after = tokens.issue(ALICE);
    assertThat(tokens.verify(after.token())).isEqualTo(ALICE);
    assertThat(client.secrets().inNamespace("smm-system").withName("smm-authentication").get().getData().get("jwt-signing-key"))
        .isNotEqualTo(secret.getData().get("jwt-signing-key"));

  }

  @Test
  void forgedAndTamperedTokensAreRefused() throws Exception {
    String genuine = tokens.issue(ALICE).token();
    byte[] key = Base64.getDecoder().decode(client.secrets().inNamespace("smm-system").withName("smm-authentication").get()
        .getData().get("jwt-signing-key"));

    // Signed with a key of the attacker's own.
    refused(() -> tokens.verify(sign(claims("smm-backend", "smm-api", "system:admin"), "another key of 32 bytes or more!!".getBytes(
        StandardCharsets.UTF_8))), AuthFailure.Reason.TOKEN_SIGNATURE_INVALID);
    // The genuine token with its payload swapped for another user's.
    String[] parts = genuine.split("\\.");
    String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(claims("smm-backend", "smm-api", "system:admin").toString()
        .getBytes(StandardCharsets.UTF_8));
    refused(() -> tokens.verify(parts[0] + "." + admin + "." + parts[2]), AuthFailure.Reason.TOKEN_SIGNATURE_INVALID);
    // Unsigned ("alg": "none").
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    refused(() -> tokens.verify(none + "." + admin + "."), AuthFailure.Reason.TOKEN_MALFORMED);
    // Right key, but meant for another audience or issuer (e.g. a token of another tool sharing the key).
    refused(() -> tokens.verify(sign(claims("smm-backend", "grafana", "alice"), key)), AuthFailure.Reason.TOKEN_AUDIENCE_INVALID);
    refused(() -> tokens.verify(sign(claims("someone-else", "smm-api", "alice"), key)), AuthFailure.Reason.TOKEN_AUDIENCE_INVALID);
    refused(() -> tokens.verify("not-a-jwt"), AuthFailure.Reason.TOKEN_MALFORMED);
    refused(() -> tokens.verify(null), AuthFailure.Reason.TOKEN_MISSING);
  }

  @Test
  void aLoggedOutSessionIsRefusedOthersAreNot() {
    String first = tokens.issue(ALICE).token();
    String second = tokens.issue(ALICE).token();
    tokens.revoke(first);
    refused(() -> tokens.verify(first), AuthFailure.Reason.TOKEN_REVOKED);
    assertThat(tokens.verify(second)).isEqualTo(ALICE);
  }

  @Test
  void aLoginTokenWorksOnceAndForTenSeconds() {
    LoginTokens logins = new LoginTokens(clock);
    String once = logins.issue(ALICE);
    assertThat(logins.redeem(once)).isEqualTo(ALICE);
    refused(() -> logins.redeem(once), AuthFailure.Reason.LOGIN_TOKEN_INVALID); // replay

    String late = logins.issue(ALICE);
    clock.advance(Duration.ofSeconds(10));
    refused(() -> logins.redeem(late), AuthFailure.Reason.LOGIN_TOKEN_INVALID);
    refused(() -> logins.redeem("guessed"), AuthFailure.Reason.LOGIN_TOKEN_INVALID);
  }

  @Test
  void tenFailedLoginsInAMinutePutTheAddressOverTheLimitUntilTheyAge() {
    LoginRateLimiter limiter = new LoginRateLimiter(clock, 10, Duration.ofMinutes(1));
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.over("10.0.0.1")).isFalse();
      limiter.failed("10.0.0.1");
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(limiter.over("10.0.0.1")).isTrue();
    assertThat(limiter.refusal("10.0.0.1").getMessage()).contains("try again in 50 s");
    assertThat(limiter.over("10.0.0.2")).as("another client is not affected").isFalse();
    clock.advance(Duration.ofSeconds(51)); // the first failure leaves the window
    assertThat(limiter.over("10.0.0.1")).isFalse();
  }

  static JWTClaimsSet claims(String issuer, String audience, String subject) {
    return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject).claim("groups", List.of("system:masters"))
        .jwtID("forged").expirationTime(Date.from(Instant.now().plus(Duration.ofDays(365)))).build();
  }

  static String sign(JWTClaimsSet claims, byte[] key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }
}
