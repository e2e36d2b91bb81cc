package io.smm.backend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grafana's and the tracing UI behind the tools port: in only with a one-time ticket, then a cookie; everything else passed as it is. */
class ToolsProxyTest {

  final Vertx vertx = Vertx.vertx();
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));
  HttpServer grafana;
  ToolsProxy proxy;
  String base;

  @BeforeEach
  void start() throws IOException {
    grafana = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    grafana.createContext("/grafana/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      upstreamSaw.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " body=" + body + " cookie=" + ex.getRequestHeaders().getFirst("Cookie"));
      byte[] answer = "grafana page".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("X-Grafana", "yes");
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    grafana.createContext("/grafana/cut/", ex -> {
      ex.sendResponseHeaders(200, 0);
      ex.getResponseBody().write(new byte[64 * 1024]);
      ex.getResponseBody().flush();
      throw new IOException("upstream broke off"); // the server closes the connection without the last chunk
    });
    grafana.start();
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    proxy = new ToolsProxy(vertx, ToolsProxy.upstreams(URI.create("http://127.0.0.1:" + grafana.getAddress().getPort()),
        URI.create("http://127.0.0.1:" + closed + "/jaeger")), clock);
    base = "http://127.0.0.1:" + proxy.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    proxy.close();
    grafana.stop(0);
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Redeems a ticket as the browser does and returns the cookie it gets. */
  String signIn(String path) throws Exception {
    HttpResponse<String> open = get("/open?ticket=" + proxy.ticket("alice", path), null);
    assertThat(open.statusCode()).isEqualTo(302);
    assertThat(open.headers().firstValue("Location")).hasValue(path);
    String setCookie = open.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith(ToolsProxy.COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax", "Path=/");
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void withoutATicketNothingIsProxied() throws Exception {
    HttpResponse<String> r = get("/grafana/d/smm-mesh/", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("Open this tool from the dashboard");
    assertThat(get("/grafana/d/smm-mesh/", ToolsProxy.COOKIE + "=forged").statusCode()).isEqualTo(401);
    assertThat(get("/open?ticket=forged", null).statusCode()).isEqualTo(401);
    assertThat(upstreamSaw).isEmpty();
  }

  @Test
  void aTicketSignsInOnceAndThePathsGoUpstreamAsTheyAreWithoutTheCookie() throws Exception {
    String path = "/grafana/d/smm-service/?var-namespace=smm-demo&var-service=payments&from=now-30m&to=now";
    String ticket = proxy.ticket("alice", path);
    HttpResponse<String> open = get("/open?ticket=" + ticket, null);
    String cookie = open.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    assertThat(get("/open?ticket=" + ticket, null).statusCode()).as("a ticket works once").isEqualTo(401);

    HttpResponse<String> page = get(path, cookie);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("grafana page");
    assertThat(page.headers().firstValue("X-Grafana")).hasValue("yes");
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/grafana/api/ds/query")).header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("{\"queries\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(upstreamSaw).containsExactly(
        "GET " + path + " body= cookie=null",
        "POST /grafana/api/ds/query body={\"queries\":[]} cookie=null");
  }

  @Test
  void anUpstreamThatBreaksOffBreaksTheBrowsersResponseTooNotEndsItAsIfWhole() throws Exception {
    String cookie = signIn("/grafana/cut/index.js");
    assertThatThrownBy(() -> get("/grafana/cut/index.js", cookie)).isInstanceOf(IOException.class);
    assertThat(get("/grafana/d/smm-mesh/", cookie).body()).as("the proxy still serves").isEqualTo("grafana page");
  }

  @Test
  void ticketsAndSessionsExpire() throws Exception {
    String ticket = proxy.ticket("alice", "/grafana/");
    now.set(now.get().plus(ToolsProxy.TICKET_LIFETIME).plusSeconds(1));
    assertThat(get("/open?ticket=" + ticket, null).statusCode()).isEqualTo(401);
    String cookie = signIn("/grafana/");
    assertThat(get("/grafana/", cookie).statusCode()).isEqualTo(200);
    now.set(now.get().plus(ToolsProxy.SESSION_LIFETIME).plusSeconds(1));
    assertThat(get("/grafana/", cookie).statusCode()).isEqualTo(401);
  }

  @Test
  void onlyTheProxiedToolsCanBeLinkedTo() {
    assertThatThrownBy(() -> proxy.ticket("alice", "/api/graphql")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.ticket("alice", "https://evil.example/grafana/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.ticket("alice", "/grafana-elsewhere")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aToolThatIsNotRunningIsSaidSo() throws Exception {
    String cookie = signIn("/jaeger/trace/4bf92f3577b34da6");
    HttpResponse<String> r = get("/jaeger/trace/4bf92f3577b34da6", cookie);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("does not answer").contains("Is its component enabled and running?");
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    String cookie = signIn("/grafana/");
    assertThat(get("/api/graphql", cookie).statusCode()).isEqualTo(404);
    assertThat(get("/", cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void aFloodOfTicketsStaysBounded() {
    for (int i = 0; i < ToolsProxy.MAX_ENTRIES + 100; i++) {
      proxy.ticket("alice", "/grafana/");
    }
    assertThat(proxy.ticketCount()).isLessThanOrEqualTo(ToolsProxy.MAX_ENTRIES);
  }
}
