package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Logs in to the SMM backend with the kubeconfig's credentials, as the seed's CLI does: the
 * bearer token (static, or what the exec plugin printed) goes to the backend once, which has the
 * Kubernetes API review it and answers with its own session and a one-time login token for a
 * browser. Sessions are reused from {@link SessionStore} until they expire.
 */
final class BackendLogin {

  /** What a login returns. */
  record Result(String sessionToken, Instant expiresAt, String username, List<String> groups, String loginToken) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI backend;
  private final KubeOptions kube;
  private final SessionStore store;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Asked once per command: a query, its retry and a second query need neither the mode nor the kubeconfig again. */
  private Boolean anonymous;
  private Config config;

  BackendLogin(URI backend, KubeOptions kube, SessionStore store) {
    this.backend = backend;
    this.kube = kube;
    this.store = store;
  }

  /** The session to send; empty when the backend runs in anonymous mode (nobody logs in). */
  Optional<String> session() {
    if (anonymous()) {
      return Optional.empty();
    }
    Optional<SessionStore.Saved> saved = store.get(key());
    return Optional.of(saved.map(SessionStore.Saved::token).orElseGet(() -> login().sessionToken()));
  }

  /** The saved session was refused (expired, rotated key, logged out): forget it. */
  void forget() {
    store.remove(key());
  }

  /** A fresh login: a new session (saved) and a new one-time login token. */
  Result login() {
    String token = kubeToken();
    HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint("/api/auth/login")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
    JsonNode body = json(r);
    if (r.statusCode() != 200) {
      throw new CliException("login to " + backend + " refused: " + body.at("/errors/0/message").asText("HTTP " + r.statusCode()), 1);
    }
    List<String> groups = new ArrayList<>();
    body.path("groups").forEach(g -> groups.add(g.asText()));
    Result result = new Result(body.path("sessionToken").asText(), Instant.parse(body.path("expiresAt").asText()),
        body.path("username").asText(), groups, body.path("loginToken").asText());
    store.put(key(), new SessionStore.Saved(result.sessionToken(), result.expiresAt(), result.username()));
    return result;
  }

  boolean anonymous() {
    if (anonymous == null) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(endpoint("/api/auth/config")).timeout(Duration.ofSeconds(10)).GET().build());
      anonymous = r.statusCode() == 200 && "anonymous".equals(json(r).path("mode").asText());
    }
    return anonymous;
  }

  private Config config() {
    if (config == null) {
      config = kube.config();
    }
    return config;
  }

  /** The bearer token kubectl would send: static, or the exec plugin's. */
  private String kubeToken() {
    Config config = config();
    String token = config.getOauthToken();
    if ((token == null || token.isBlank()) && config.getOauthTokenProvider() != null) {
      token = config.getOauthTokenProvider().getToken();
    }
    if ((token == null || token.isBlank()) && config.getAutoOAuthToken() != null) {
      token = config.getAutoOAuthToken();
    }
    if (token == null || token.isBlank()) {
      boolean certificate = config.getClientCertData() != null || config.getClientCertFile() != null;
      throw new CliException(certificate
          ? "your kubeconfig user authenticates with a client certificate, which `smm login` cannot present to the backend yet: "
              + "use a user with a bearer token or an exec plugin (e.g. a ServiceAccount token or your cloud's credential plugin)"
          : "your kubeconfig user has no credentials smm can log in with (no token, exec plugin or certificate)", 1);
    }
    return token;
  }

  /** Sessions are kept per backend and per kubeconfig user, so switching contexts does not reuse another user's. */
  private String key() {
    Config config = config();
    var context = config.getCurrentContext();
    String user = context != null && context.getContext() != null ? context.getContext().getUser() : "default";
    return backend.toString().replaceAll("/+$", "") + " " + config.getMasterUrl() + " " + user;
  }

  private URI endpoint(String path) {
    return URI.create(backend.toString().replaceAll("/+$", "") + path);
  }

  private HttpResponse<String> send(HttpRequest request) {
    return send(http, backend, request);
  }

  /** One request to the backend; an unreachable backend or an interrupt becomes one clear CliException. */
  static HttpResponse<String> send(HttpClient http, URI backend, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException("cannot reach the SMM backend at " + backend + ": " + Smm.oneLine(KubeOptions.rootMessage(e))
          + " (start it with `smm sandbox up` or pass --url)", 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", 1);
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
