package io.smm.backend.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The third-party UIs the dashboard links to — Grafana under /grafana, the tracing server's UI
 * under /zipkin or /jaeger — proxied on a listener of their own. Another port is another origin:
 * their scripts never see the dashboard's session, which lives in the dashboard origin's storage.
 * A user gets in with a one-time ticket the dashboard asks for ({@link #ticket}; GraphQL openTool,
 * which needs cluster-wide read access, as these UIs show every namespace) and then holds a cookie
 * of this origin for an hour. Paths go to the upstream as they are (Grafana serves from /grafana,
 * Jaeger from its base path /jaeger, Zipkin's UI is /zipkin); the ticket cookie does not.
 */
public final class ToolsProxy implements AutoCloseable {

  static final String COOKIE = "smm_tools";
  static final Duration TICKET_LIFETIME = Duration.ofSeconds(60);
  static final Duration SESSION_LIFETIME = Duration.ofHours(1);
  /** Tickets and sessions held at most; the oldest go first beyond it (a flood of tickets cannot grow memory). */
  static final int MAX_ENTRIES = 10_000;
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
      "trailer", "transfer-encoding", "upgrade", "host");

  private record Grant(String username, String path, Instant expires) {}

  private final Vertx vertx;
  /** Path prefix (/grafana) → the upstream's scheme://host:port. */
  private final Map<String, URI> upstreams;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Grant> tickets = new ConcurrentHashMap<>();
  private final Map<String, Grant> sessions = new ConcurrentHashMap<>();
  private final HttpClient client;
  private HttpServer server;

  ToolsProxy(Vertx vertx, Map<String, URI> upstreams, Clock clock) {
    this.vertx = vertx;
    this.upstreams = Map.copyOf(upstreams);
    this.clock = clock;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(60));
  }

  /** Whether {@code path} is under one of the proxied UIs. */
  boolean proxies(String path) {
    return upstream(path) != null;
  }

  /** A one-time ticket that lets {@code username} into this origin and sends the browser to {@code path}. */
  String ticket(String username, String path) {
    if (!proxies(path)) {
      throw new IllegalArgumentException("not a proxied tool's path: " + path + " (one of " + upstreams.keySet() + ")");
    }
    String ticket = token();
    put(tickets, ticket, new Grant(username, path, clock.instant().plus(TICKET_LIFETIME)));
    return ticket;
  }

  /** Tickets waiting to be used (bounded by {@link #MAX_ENTRIES}). */
  int ticketCount() {
    return tickets.size();
  }

  int port() {
    return server == null ? -1 : server.actualPort();
  }

  int start(String host, int port) {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(port, host).toCompletionStage().toCompletableFuture().join();
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    req.response().putHeader("Referrer-Policy", "no-referrer").putHeader("X-Content-Type-Options", "nosniff");
    if (req.path().equals("/open")) {
      Grant grant = redeem(tickets, req.getParam("ticket"), true);
      if (grant == null) {
        page(req, 401, "This link has expired or was used already. Open the tool again from the dashboard.");
        return;
      }
      String sid = token();
      put(sessions, sid, new Grant(grant.username(), grant.path(), clock.instant().plus(SESSION_LIFETIME)));
      req.response().addCookie(Cookie.cookie(COOKIE, sid).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
          .setMaxAge(SESSION_LIFETIME.toSeconds()));
      req.response().setStatusCode(302).putHeader("Location", grant.path()).end();
      return;
    }
    URI upstream = upstream(req.path());
    if (upstream == null) {
      page(req, 404, "Nothing here: this port serves Grafana (/grafana) and the tracing UI, opened from the dashboard.");
      return;
    }
    Cookie cookie = req.getCookie(COOKIE);
    if (redeem(sessions, cookie == null ? null : cookie.getValue(), false) == null) {
      page(req, 401, "Open this tool from the dashboard: it signs you in here.");
      return;
    }
    forward(req, upstream);
  }

  private void forward(HttpServerRequest req, URI upstream) {
    req.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT)) && !h.getKey().equalsIgnoreCase("cookie")) {
        headers.add(h.getKey(), h.getValue());
      }
    });
    int port = upstream.getPort() > 0 ? upstream.getPort() : upstream.getScheme().equals("https") ? 443 : 80;
    client.request(new RequestOptions().setMethod(req.method()).setHost(upstream.getHost()).setPort(port)
            .setSsl(upstream.getScheme().equals("https")).setURI(req.uri()).setHeaders(headers)
            .putHeader(HttpHeaders.HOST, upstream.getHost() + ":" + port).setTimeout(30_000))
        .compose(up -> up.send(req))
        .onSuccess(resp -> {
          req.response().setStatusCode(resp.statusCode());
          resp.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
              req.response().headers().add(h.getKey(), h.getValue());
            }
          });
          if (!req.response().headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            req.response().setChunked(true);
          }
          // An upstream that breaks off mid-body must break the browser's response too: ended cleanly
          // (what send() does), a cut script would run as if whole and be cached for as long as the
          // tool says (Zipkin's UI: a year).
          resp.pipe().endOnFailure(false).to(req.response()).onFailure(e -> req.response().reset());
        })
        .onFailure(e -> {
          if (!req.response().headWritten()) {
            page(req, 502, "The tool at " + upstream + " does not answer (" + e.getMessage() + "). Is its component enabled and running?");
          }
        });
  }

  private URI upstream(String path) {
    for (Map.Entry<String, URI> u : upstreams.entrySet()) {
      if (path.equals(u.getKey()) || path.startsWith(u.getKey() + "/")) {
        return u.getValue();
      }
    }
    return null;
  }

  private Grant redeem(Map<String, Grant> grants, String key, boolean once) {
    if (key == null) {
      return null;
    }
    Grant g = once ? grants.remove(key) : grants.get(key);
    if (g == null || g.expires().isBefore(clock.instant())) {
      grants.remove(key);
      return null;
    }
    return g;
  }

  private void put(Map<String, Grant> grants, String key, Grant grant) {
    if (grants.size() >= MAX_ENTRIES) {
      Instant now = clock.instant();
      grants.values().removeIf(g -> g.expires().isBefore(now));
      if (grants.size() >= MAX_ENTRIES) {
        grants.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparing(Grant::expires)))
            .ifPresent(oldest -> grants.remove(oldest.getKey()));
      }
    }
    grants.put(key, grant);
  }

  private String token() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void page(HttpServerRequest req, int status, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
  }

  /** The proxied UIs by path prefix: Grafana, and the tracing server's UI under both names its API may have. */
  static Map<String, URI> upstreams(URI grafana, URI tracing) {
    Map<String, URI> out = new LinkedHashMap<>();
    out.put("/grafana", origin(grafana));
    out.put("/zipkin", origin(tracing));
    out.put("/jaeger", origin(tracing));
    return out;
  }

  private static URI origin(URI u) {
    return URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
    }
    client.close();
  }
}
