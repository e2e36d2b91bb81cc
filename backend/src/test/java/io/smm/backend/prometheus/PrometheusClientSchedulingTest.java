package io.smm.backend.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the client shares Prometheus' query slots: in turn between owners, not first come first
 * served, and not at all for a request nobody waits for any more. Observed at a stand-in
 * Prometheus that records which queries reach it, in order, and answers only when released.
 */
class PrometheusClientSchedulingTest {

  HttpServer prometheus;
  ExecutorService handlers = Executors.newCachedThreadPool();
  final List<String> arrived = new CopyOnWriteArrayList<>();
  volatile CountDownLatch release = new CountDownLatch(0);
  PrometheusClient client;

  @BeforeEach
  void start() throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setExecutor(handlers);
    prometheus.createContext("/api/v1/", this::answer);
    prometheus.start();
    client = new PrometheusClient(URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort()), Duration.ofSeconds(60), 2);
  }

  @AfterEach
  void stop() {
    release.countDown();
    prometheus.stop(0);
    handlers.shutdownNow();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String body = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    arrived.add(body.replaceFirst(".*query=([^&]*).*", "$1"));
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] answer = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  List<CompletableFuture<List<Sample>>> issue(QueryScope scope, String prefix, int n) {
    return scope.run(() -> {
      List<CompletableFuture<List<Sample>>> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(client.instant(prefix + i, Instant.now()));
      }
      return out;
    });
  }

  @Test
  void aUserWithAFewQueriesIsServedBetweenTheQueriesOfOneWithMany() throws Exception {
    release = new CountDownLatch(1);
    List<CompletableFuture<List<Sample>>> heavy = issue(new QueryScope("heavy-user"), "heavy", 40);
    List<CompletableFuture<List<Sample>>> light = issue(new QueryScope("light-user"), "light", 4);
    release.countDown();
    CompletableFuture.allOf(light.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    CompletableFuture.allOf(heavy.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    // Two slots, both taken by the heavy user when the light one asked; from then on they alternate.
    int lastLight = 0;
    for (int i = 0; i < arrived.size(); i++) {
      if (arrived.get(i).startsWith("light")) {
        lastLight = i;
      }
    }
    assertThat(lastLight).as("the light user's 4th query reached Prometheus among the first dozen queries, not after the heavy user's 40: " + arrived)
        .isLessThan(12);
    assertThat(arrived).hasSize(44);
  }

  @Test
  void aCancelledRequestsQueriesStopWaitingAndRunningOnesAreAbandoned() throws Exception {
    release = new CountDownLatch(1);
    QueryScope abandoned = new QueryScope("someone");
    List<CompletableFuture<List<Sample>>> queries = issue(abandoned, "q", 10);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (arrived.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    abandoned.cancel();
    for (CompletableFuture<List<Sample>> q : queries) {
      assertThatThrownBy(() -> q.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }
    release.countDown();
    // Whatever others ask now gets the slots; none of the abandoned queries is sent after all.
    List<CompletableFuture<List<Sample>>> next = issue(new QueryScope("other"), "next", 3);
    CompletableFuture.allOf(next.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(arrived).as("only the two that were running when it was cancelled reached Prometheus")
        .containsExactlyInAnyOrder("q0", "q1", "next0", "next1", "next2");
    assertThatThrownBy(() -> abandoned.run(() -> client.instant("late", Instant.now())).get(5, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
  }
}
