package io.smm.backend.http;

import io.smm.backend.auth.AuthFailure;
import io.smm.backend.auth.Authenticator;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.LoginTokens;
import io.smm.backend.auth.SessionTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login endpoints under /api/auth and the session check in front of /api/graphql. Tokens
 * travel in the Authorization header only (no cookies, so no cross-site request can carry one);
 * refusals are 401 (429 when rate limited) with a reason code, logged without the token.
 */
final class AuthRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);
  static final String CALLER = "smm.caller";

  private final Authenticator auth;
  private final Vertx vertx;

  AuthRoutes(Authenticator auth, Vertx vertx) {
    this.auth = auth;
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/auth/config").handler(rc -> rc.json(new JsonObject()
        .put("mode", auth.anonymous() ? "anonymous" : "impersonation")
        .put("oidc", auth.oidc().isPresent())
        .put("loginTokenSeconds", LoginTokens.LIFETIME.toSeconds())));
    // `smm login` / `smm dashboard`: the kubeconfig's bearer token, reviewed by the API server.
    router.post("/api/auth/login").handler(rc -> blocking(rc, () -> {
      Authenticator.Login login = auth.login(Authenticator.bearer(rc.request().getHeader("Authorization")), client(rc));
      LOG.info("login of {} from {} (kubeconfig credentials)", login.session().identity().username(), client(rc));
      return session(login.session()).put("loginToken", login.loginToken());
    }));
    // The dashboard redeems a one-time login token for a session.
    router.post("/api/auth/session").handler(BodyHandler.create().setBodyLimit(4096)).handler(rc -> blocking(rc, () -> {
      String loginToken;
      try {
        JsonObject body = rc.body().asJsonObject();
        loginToken = body == null ? null : body.getString("loginToken");
      } catch (DecodeException | ClassCastException e) {
        loginToken = null; // not {"loginToken": "..."}: refused like an unknown token, and counted
      }
      SessionTokens.Session session = auth.redeem(loginToken, client(rc));
      LOG.info("dashboard login of {} from {}", session.identity().username(), client(rc));
      return session(session);
    }));
    router.post("/api/auth/logout").handler(rc -> blocking(rc, () -> {
      auth.logout(rc.request().getHeader("Authorization"));
      return new JsonObject().put("loggedOut", true);
    }));
    router.get("/api/auth/oidc/login").handler(rc -> blocking(rc, () -> auth.startOidc(callbackUri(rc)), uri ->
        rc.response().setStatusCode(302).putHeader("Location", uri.toString()).end()));
    // The browser arrives here from the provider: success and failure both go back to the login
    // window (the failure's reason in the URL), not to a JSON answer. The manual's Dex client
    // registers <dashboard>/auth/callback (seed 2.5.10.3); the API path stays for providers
    // registered with it before.
    for (String path : List.of(CALLBACK_PATH, "/api/auth/oidc/callback")) {
      router.get(path).handler(this::finishOidc);
    }
  }

  private void finishOidc(RoutingContext rc) {
    vertx.<String>executeBlocking(() -> {
      String error = rc.request().getParam("error");
      if (error != null) {
        throw new AuthFailure(AuthFailure.Reason.OIDC_FAILED, "the provider refused the login: " + error);
      }
      return auth.finishOidc(rc.request().getParam("code"), rc.request().getParam("state"), client(rc));
    }, false).onSuccess(loginToken -> redirect(rc, "/#/login?token=" + loginToken)).onFailure(e -> {
      String reason = e instanceof AuthFailure f ? f.reason().name() : "INTERNAL";
      LOG.info("refused an OIDC login from {}: {} ({})", client(rc), reason, e.getMessage());
      redirect(rc, "/#/login?error=" + URLEncoder.encode(reason + ": " + (e instanceof AuthFailure ? e.getMessage()
          : "internal error"), StandardCharsets.UTF_8));
    });
  }

  private static void redirect(RoutingContext rc, String location) {
    rc.response().setStatusCode(302).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  /**
   * In front of GraphQL over HTTP (after the body is read: an asynchronous step before the body
   * handler would lose it): no session, no answer. WebSocket subscriptions are checked at
   * connection_init instead, since browsers cannot put headers on a WebSocket handshake.
   */
  void requireSession(RoutingContext rc) {
    blocking(rc, () -> auth.caller(rc.request().getHeader("Authorization")), caller -> {
      rc.put(CALLER, caller);
      rc.next();
    });
  }

  /** An authenticated WebSocket: its caller, and the header it came with, checked again for every operation. */
  record Connection(Caller caller, String authorization) {}

  /** The caller for a WebSocket's connection_init payload ({"Authorization": "Bearer ..."}). */
  Connection connection(JsonObject initPayload) {
    String authorization = initPayload == null ? null
        : initPayload.getString("Authorization", initPayload.getString("authorization"));
    try {
      return new Connection(auth.caller(authorization), authorization);
    } catch (AuthFailure f) {
      LOG.info("refused a WebSocket connection_init: {} ({})", f.reason(), f.getMessage());
      throw f;
    }
  }

  /** The connection's caller while its session lasts; null (so GraphQL refuses the operation) after expiry or logout. */
  Caller caller(Connection connection) {
    return auth.stillValid(connection.caller(), connection.authorization());
  }

  private <T> void blocking(RoutingContext rc, Supplier<T> call, Consumer<T> then) {
    // Reviews, key reads and access checks call the Kubernetes API: never on the event loop.
    vertx.<T>executeBlocking(call::get, false).onSuccess(then::accept).onFailure(e -> refuse(rc, e));
  }

  private void blocking(RoutingContext rc, Supplier<JsonObject> call) {
    blocking(rc, call, body -> rc.response().putHeader("Cache-Control", "no-store").putHeader("Content-Type", "application/json")
        .end(body.encode()));
  }

  private void refuse(RoutingContext rc, Throwable e) {
    if (!(e instanceof AuthFailure f)) {
      LOG.warn("authentication failed unexpectedly for {} {}", rc.request().method(), rc.request().path(), e);
      rc.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("errors", new JsonArray().add(new JsonObject().put("message", "internal error")))
              .encode());
      return;
    }
    // The reason and who asked, never the token.
    LOG.info("refused {} {} from {}: {} ({})", rc.request().method(), rc.request().path(), client(rc), f.reason(), f.getMessage());
    var response = rc.response().setStatusCode(f.reason().status()).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store");
    if (f.reason().status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + f.reason().name() + "\"");
    }
    response.end(new JsonObject().put("errors", new JsonArray().add(new JsonObject().put("message", f.getMessage())
        .put("extensions", new JsonObject().put("code", f.reason().status() == 401 ? "UNAUTHENTICATED" : f.reason().name())
            .put("reason", f.reason().name()))))
        .encode());
  }

  private static JsonObject session(SessionTokens.Session s) {
    return new JsonObject().put("sessionToken", s.token()).put("expiresAt", s.expiresAt().toString())
        .put("username", s.identity().username()).put("groups", new JsonArray(s.identity().groups()));
  }

  private static String client(RoutingContext rc) {
    return rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
  }

  /** Where the provider sends the browser back, as the manual registers it with Dex. */
  static final String CALLBACK_PATH = "/auth/callback";

  /**
   * The callback as the browser reached this server, so it works behind a port-forward too; behind
   * the exposed dashboard's gateway, which terminates TLS, the scheme is the one the gateway
   * received (Envoy's X-Forwarded-Proto).
   */
  private static String callbackUri(RoutingContext rc) {
    String forwarded = rc.request().getHeader("X-Forwarded-Proto");
    String scheme = "https".equals(forwarded) || "http".equals(forwarded) ? forwarded : rc.request().scheme();
    return scheme + "://" + rc.request().authority() + CALLBACK_PATH;
  }
}
