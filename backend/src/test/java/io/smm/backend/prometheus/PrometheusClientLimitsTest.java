package io.smm.backend.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An answer bigger than the backend takes fails that query with a clear error, at once, and the client goes on. */
class PrometheusClientLimitsTest {

  HttpServer prometheus;

  @BeforeEach
  void start() throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setExecutor(Executors.newCachedThreadPool());
    prometheus.createContext("/api/v1/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0); // chunked: no length to judge it by beforehand
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[".getBytes(StandardCharsets.UTF_8));
        int series = body.contains("huge") ? 50_000 : 1;
        for (int i = 0; i < series; i++) {
          out.write(((i == 0 ? "" : ",") + "{\"metric\":{\"pod\":\"pod-" + i + "\"},\"value\":[1,\"" + i + "\"]}")
              .getBytes(StandardCharsets.UTF_8));
        }
        out.write("]}}".getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the client stopped reading: what a refused answer looks like from here
      }
    });
    prometheus.start();
  }

  @AfterEach
  void stop() {
    prometheus.stop(0);
  }

  @Test
  void anAnswerOverTheLimitIsRefusedAndTheNextQueryIsAnswered() throws Exception {
    PrometheusClient client = new PrometheusClient(URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort()),
        Duration.ofSeconds(30), 2, 1 << 20);
    assertThatThrownBy(() -> client.instant("huge", Instant.now()).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(PrometheusException.class, e -> {
          assertThat(e.kind()).isEqualTo(PrometheusException.Kind.TOO_LARGE);
          assertThat(e.getMessage()).contains("over 1 MiB");
        });
    for (int i = 0; i < 3; i++) {
      assertThat(client.instant("small", Instant.now()).get(30, TimeUnit.SECONDS)).hasSize(1);
    }
  }
}
