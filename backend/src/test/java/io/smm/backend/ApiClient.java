package io.smm.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The backend's HTTP API as a test uses it: logins, GraphQL with a session, graphql-transport-ws. */
public final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP answer: status and JSON body. */
  public record Answer(int status, JsonNode body) {}

  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  public ApiClient(String base) {
    this.base = base;
  }

  /** POST /api/auth/login with a kubeconfig bearer token. */
  public Answer login(String kubeToken) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + "/api/auth/login")).POST(HttpRequest.BodyPublishers.noBody());
    if (kubeToken != null) {
      r.header("Authorization", "Bearer " + kubeToken);
    }
    return send(r.build());
  }

  /** The session token of a successful kubeconfig login. */
  public String session(String kubeToken) throws Exception {
    Answer a = login(kubeToken);
    if (a.status() != 200) {
      throw new AssertionError("login failed: " + a);
    }
    return a.body().path("sessionToken").asText();
  }

  public Answer redeem(String loginToken) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/api/auth/session")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("loginToken", loginToken)))).build());
  }

  public Answer logout(String session) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/api/auth/logout")).header("Authorization", "Bearer " + session)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  public Answer graphql(String session, String query) throws Exception {
    return graphql(session, query, Map.of());
  }

  public Answer graphql(String session, String query, Map<String, Object> variables) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + "/api/graphql")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query, "variables", variables))));
    if (session != null) {
      r.header("Authorization", "Bearer " + session);
    }
    return send(r.build());
  }

  private Answer send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
  }

  /** A graphql-transport-ws connection; its messages (and a close, as {"type":"closed","code":n}) land in {@link #messages}. */
  public final class Subscriptions implements AutoCloseable {
    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final WebSocket ws;
    /** A client that stops reading: no more messages are asked for, so the socket's buffers fill. */
    private volatile boolean paused;

    Subscriptions() throws Exception {
      ws = http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
          .buildAsync(URI.create(base.replace("http", "ws") + "/api/graphql"), new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              partial.append(data);
              if (last) {
                try {
                  messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                partial.setLength(0);
              }
              if (!paused) {
                webSocket.request(1);
              }
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
              messages.add(JSON.createObjectNode().put("type", "closed").put("code", statusCode).put("reason", reason));
              return null;
            }
          }).get(5, TimeUnit.SECONDS);
    }

    /** Sends connection_init with the session (none when null) and returns the answer (connection_ack, or the close). */
    public JsonNode init(String session) throws Exception {
      String payload = session == null ? "{}" : JSON.writeValueAsString(Map.of("Authorization", "Bearer " + session));
      ws.sendText("{\"type\":\"connection_init\",\"payload\":" + payload + "}", true).get();
      return messages.poll(10, TimeUnit.SECONDS);
    }

    public String subprotocol() {
      return ws.getSubprotocol();
    }

    public void subscribe(String id, String query) throws Exception {
      ws.sendText(JSON.writeValueAsString(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query))), true).get();
    }

    public void pause() {
      paused = true;
    }

    public void resume() {
      paused = false;
      ws.request(1);
    }

    public JsonNode next() throws InterruptedException {
      return messages.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      if (!ws.isOutputClosed()) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      }
    }
  }

  public Subscriptions subscriptions() throws Exception {
    return new Subscriptions();
  }
}
