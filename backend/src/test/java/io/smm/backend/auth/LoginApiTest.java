package io.smm.backend.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.ApiClient;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The login endpoints over HTTP: what `smm login`, `smm dashboard` and the dashboard's login page rely on. */
class LoginApiTest {

  EmbeddedApiServer api;
  KubernetesClient admin;
  SmmServer server;
  ApiClient http;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-system").endMetadata().build()).create();
    api.tokens().add("alice-token", "alice", "dev", "system:authenticated");
    server = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"));
    http = new ApiClient("http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, 0)));
  }

  @AfterEach
  void stop() {
    server.close();
    admin.close();
    api.close();
  }

  @Test
  void aKubeconfigTokenBuysASessionAndAOneTimeLoginTokenForTheBrowser() throws Exception {
    ApiClient.Answer login = http.login("alice-token");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body().path("username").asText()).isEqualTo("alice");
    assertThat(login.body().path("groups").toString()).contains("dev");
    String cli = login.body().path("sessionToken").asText();
    String loginToken = login.body().path("loginToken").asText();

    ApiClient.Answer browser = http.redeem(loginToken);
    assertThat(browser.status()).isEqualTo(200);
    String dashboard = browser.body().path("sessionToken").asText();
    assertThat(dashboard).isNotEqualTo(cli);
    assertThat(http.graphql(dashboard, "{ me { username } }").body().at("/data/me/username").asText()).isEqualTo("alice");
    ApiClient.Answer replay = http.redeem(loginToken);
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.body().at("/errors/0/extensions/reason").asText()).isEqualTo("LOGIN_TOKEN_INVALID");

    assertThat(http.logout(dashboard).status()).isEqualTo(200);
    ApiClient.Answer after = http.graphql(dashboard, "{ me { username } }");
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.body().at("/errors/0/extensions/reason").asText()).isEqualTo("TOKEN_REVOKED");
    assertThat(http.graphql(cli, "{ me { username } }").status()).as("the CLI's session is its own").isEqualTo(200);
  }

  @Test
  void aLogoutHoldsOnEveryReplicaAndAfterARestart() throws Exception {
    String session = http.session("alice-token");
    try (SmmServer replica = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"))) {
      ApiClient other = new ApiClient("http://127.0.0.1:" + replica.start(new ServerOptions("127.0.0.1", 0, 0)));
      assertThat(other.graphql(session, "{ me { username } }").status()).as("sessions are good on every replica").isEqualTo(200);
      assertThat(http.logout(session).status()).isEqualTo(200);
      // The other replica re-reads the logged-out sessions every 2 s at most.
      Eventually.until(() -> reason(other, session).equals("TOKEN_REVOKED"), Duration.ofSeconds(20),
          () -> "the other replica refuses the logged-out session, answers " + reason(other, session));
    }
    // A backend started afresh has nothing in memory: what it knows of the logout it read from the cluster.
    try (SmmServer restarted = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"))) {
      ApiClient again = new ApiClient("http://127.0.0.1:" + restarted.start(new ServerOptions("127.0.0.1", 0, 0)));
      ApiClient.Answer refused = again.graphql(session, "{ me { username } }");
      assertThat(refused.status()).as("a restarted backend still knows the logout").isEqualTo(401);
      assertThat(refused.body().at("/errors/0/extensions/reason").asText()).isEqualTo("TOKEN_REVOKED");
    }
  }

  @Test
  void anOpenWebSocketStopsAnsweringOnceItsSessionIsLoggedOut() throws Exception {
    String session = http.session("alice-token");
    try (ApiClient.Subscriptions ws = http.subscriptions()) {
      assertThat(ws.init(session).path("type").asText()).isEqualTo("connection_ack");
      ws.subscribe("1", "subscription { namespaces { name } }");
      assertThat(ws.next().toString()).as("alice may subscribe (she sees no namespace)").contains("\"namespaces\":[]");
      http.logout(session);
      ws.subscribe("2", "subscription { namespaces { name } }");
      JsonNode refused = ws.next();
      while (refused != null && !refused.path("id").asText().equals("2")) {
        refused = ws.next();
      }
      assertThat(refused.toString()).contains("UNAUTHENTICATED");
    }
  }

  @Test
  void unknownCredentialsAreRefusedAndGuessingIsRateLimitedButAValidTokenAlwaysGetsIn() throws Exception {
    assertThat(http.login(null).body().at("/errors/0/extensions/reason").asText()).isEqualTo("TOKEN_MISSING");
    ApiClient.Answer unknown = http.login("stolen-or-made-up");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body().at("/errors/0/extensions/reason").asText()).isEqualTo("CREDENTIALS_REJECTED");
    for (int i = 0; i < 9; i++) {
      http.redeem("guess-" + i);
    }
    ApiClient.Answer limited = http.login("another-guess");
    assertThat(limited.status()).as("the address is over the limit: a wrong token waits").isEqualTo(429);
    assertThat(limited.body().at("/errors/0/message").asText()).contains("too many failed logins");
    // Someone else behind the same address (a port-forward, an ingress) with a valid token is never locked out.
    assertThat(http.login("alice-token").status()).isEqualTo(200);
  }

  @Test
  void anonymousModeIsOptInAndOnlyOnLoopback() throws Exception {
    SmmServer open = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"));
    try {
      assertThatThrownBy(() -> open.start(new ServerOptions("0.0.0.0", 0, ServerOptions.NO_ALS, true)))
          .hasMessageContaining("anonymous authentication is refused on 0.0.0.0");
    } finally {
      open.close();
    }
    SmmServer local = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"));
    try {
      ApiClient anon = new ApiClient("http://127.0.0.1:" + local.start(new ServerOptions("127.0.0.1", 0).anonymous()));
      var me = anon.graphql(null, "{ me { username anonymous } }");
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.body().at("/data/me/anonymous").asBoolean()).isTrue();
    } finally {
      local.close();
    }
  }

  private static String reason(ApiClient backend, String session) {
    try {
      return backend.graphql(session, "{ me { username } }").body().at("/errors/0/extensions/reason").asText();
    } catch (Exception e) {
      return e.toString();
    }
  }
}
