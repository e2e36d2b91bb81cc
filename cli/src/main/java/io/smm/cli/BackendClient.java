package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.backend.http.ServerOptions;
import io.smm.sandbox.SandboxHome;
import io.smm.sandbox.SandboxState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The SMM backend's GraphQL API over HTTP, for commands that need what only the backend knows (Prometheus data). */
final class BackendClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final BackendLogin login;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  BackendClient(URI url, KubeOptions kube) {
    this.url = url != null ? url : defaultUrl();
    this.login = new BackendLogin(this.url, kube, SessionStore.fromEnvironment());
  }

  /** The running sandbox's dashboard, else the default local port (`smm dashboard`'s). */
  static URI defaultUrl() {
    return SandboxState.read(SandboxHome.fromEnvironment().stateFile()).map(SandboxState::dashboard).filter(d -> d != null)
        .map(URI::create).orElse(URI.create("http://127.0.0.1:" + ServerOptions.DEFAULT_PORT));
  }

  URI url() {
    return url;
  }

  /** The query's data, as the logged-in user; GraphQL errors and an unreachable backend become one clear CliException. */
  JsonNode query(String query, ObjectNode variables) {
    Optional<String> session = login.session();
    HttpResponse<String> response = send(query, variables, session);
    if (response.statusCode() == 401 && session.isPresent()) {
      login.forget(); // expired, logged out or the key was rotated: log in once more
      response = send(query, variables, login.session());
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new CliException("the SMM backend at " + url + " answered HTTP " + response.statusCode() + " without a GraphQL response", 1);
    }
    if (body.path("errors").size() > 0) {
      throw new CliException(body.path("errors").get(0).path("message").asText(), 1);
    }
    return body.path("data");
  }

  /** The session for a WebSocket's connection_init; empty in anonymous mode. */
  Optional<String> session() {
    return login.session();
  }

  private HttpResponse<String> send(String query, ObjectNode variables, Optional<String> session) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/+$", "") + "/api/graphql"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("query", query).set("variables", variables).toString()));
    session.ifPresent(s -> request.header("Authorization", "Bearer " + s));
    return BackendLogin.send(http, url, request.build());
  }
}
