package io.smm.backend.topology.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's Chromium, headless, driven through the DevTools protocol on a WebSocket (the JDK's
 * own client): enough to open a page and read what it shows, without a WebDriver on the backend's
 * test path. For the benchmark only; the dashboard's tests use Selenium in the e2e module.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  HeadlessChromium() throws Exception {
    profile = Files.createTempDirectory("smm-bench-chromium");
    process = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1600,1000", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(portFile) || Files.readString(portFile).lines().count() < 2) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("chromium did not start");
      }
      Thread.sleep(100);
    }
    String port = Files.readString(portFile).lines().findFirst().orElseThrow().trim();
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String page = null;
    for (JsonNode t : targets) {
      if (t.path("type").asText().equals("page")) {
        page = t.path("webSocketDebuggerUrl").asText();
      }
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
      final StringBuilder message = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        message.append(data);
        if (last) {
          try {
            JsonNode m = JSON.readTree(message.toString());
            CompletableFuture<JsonNode> answer = m.has("id") ? pending.remove(m.path("id").asInt()) : null;
            if (answer != null) {
              answer.complete(m);
            }
          } catch (IOException e) {
            // not an answer of ours
          }
          message.setLength(0);
        }
        ws.request(1);
        return null;
      }
    }).join();
  }

  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).join();
    return answer.get(2, TimeUnit.MINUTES);
  }

  void open(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  /** A JavaScript expression's value in the page (strings, numbers, booleans; null when undefined or failing). */
  JsonNode eval(String expression) throws Exception {
    return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true)).path("result").path("result").path("value");
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    TopologyBenchmark.deleteTree(profile);
  }
}
