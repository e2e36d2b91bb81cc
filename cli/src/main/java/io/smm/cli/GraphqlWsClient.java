package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One GraphQL subscription over WebSocket with the graphql-transport-ws protocol (the backend's
 * /api/graphql): connection_init, wait for connection_ack, subscribe, then every "next" payload's
 * data goes to the consumer until "complete", "error" or {@link #close()}.
 */
final class GraphqlWsClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final CompletableFuture<Void> acknowledged = new CompletableFuture<>();
  /** Completes normally when the server completes the subscription, exceptionally on an error or a lost connection. */
  final CompletableFuture<Void> done = new CompletableFuture<>();

  /** A GraphQL error from the server, e.g. an invalid filter; its message is the server's. */
  static final class SubscriptionError extends RuntimeException {
    SubscriptionError(String message) {
      super(message);
    }
  }

  private GraphqlWsClient(URI endpoint, Consumer<JsonNode> onData) {
    StringBuilder frame = new StringBuilder();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        frame.append(data);
        if (last) {
          String text = frame.toString();
          frame.setLength(0);
          handle(text, onData);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        String why = status == 4401 || status == 4403
            ? "the backend refused the session (" + status + " " + reason + "): run `smm login` and try again"
            : "the server closed the connection: " + status + " " + reason;
        acknowledged.completeExceptionally(new SubscriptionError(why));
        done.completeExceptionally(new SubscriptionError(why));
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        acknowledged.completeExceptionally(error);
        done.completeExceptionally(error);
      }
    };
    this.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().newWebSocketBuilder()
        .subprotocols("graphql-transport-ws").buildAsync(endpoint, listener).join();
  }

  /** Connects, subscribes and returns; data arrives on a WebSocket thread. */
  static GraphqlWsClient subscribe(URI endpoint, Optional<String> session, String query, JsonNode variables,
      Consumer<JsonNode> onData) {
    GraphqlWsClient client = new GraphqlWsClient(endpoint, onData);
    ObjectNode init = JSON.createObjectNode().put("type", "connection_init");
    // Browsers cannot set headers on a WebSocket: the session travels in connection_init's payload.
    session.ifPresent(s -> init.putObject("payload").put("Authorization", "Bearer " + s));
    client.send(init);
    client.acknowledged.orTimeout(10, TimeUnit.SECONDS).join();
    ObjectNode subscribe = JSON.createObjectNode().put("id", "1").put("type", "subscribe");
    subscribe.putObject("payload").put("query", query).set("variables", variables);
    client.send(subscribe);
    return client;
  }

  private void handle(String text, Consumer<JsonNode> onData) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (IOException e) {
      done.completeExceptionally(new SubscriptionError("unreadable message from the server: " + e.getMessage()));
      return;
    }
    switch (m.path("type").asText()) {
      case "connection_ack" -> acknowledged.complete(null);
      case "ping" -> send(JSON.createObjectNode().put("type", "pong"));
      case "next" -> {
        JsonNode errors = m.at("/payload/errors");
        if (errors.isArray() && !errors.isEmpty()) {
          done.completeExceptionally(new SubscriptionError(errors.get(0).path("message").asText()));
        } else {
          onData.accept(m.at("/payload/data"));
        }
      }
      case "error" -> done.completeExceptionally(new SubscriptionError(m.path("payload").isArray() && !m.path("payload").isEmpty()
          ? m.path("payload").get(0).path("message").asText() : m.path("payload").toString()));
      case "complete" -> done.complete(null);
      default -> { }
    }
  }

  private synchronized void send(JsonNode message) {
    socket.sendText(message.toString(), true).join();
  }

  /** Ends the subscription and the connection, politely. */
  @Override
  public void close() {
    try {
      send(JSON.createObjectNode().put("id", "1").put("type", "complete"));
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      socket.abort();
    }
  }
}
