package io.smm.backend.http;

import graphql.GraphQL;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.BuildInfo;
import io.smm.backend.DaemonThreads;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.cluster.NamespaceFeed;
import io.smm.backend.auth.Authenticator;
import io.smm.backend.auth.Caller;
import io.smm.backend.graphql.CallerServices;
import io.smm.backend.graphql.SmmGraphQL;
import io.smm.backend.health.HealthScorer;
import io.smm.backend.health.HealthService;
import io.smm.backend.health.HealthThresholds;
import io.smm.backend.mesh.MeshOverviewService;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.QueryScope;
import io.smm.backend.tap.AccessLogReceiver;
import io.smm.backend.tap.AccessLogServer;
import io.smm.backend.tap.TapHub;
import io.smm.backend.tap.TapStreams;
import io.smm.backend.topology.TopologyService;
import io.smm.backend.tracing.TraceService;
import io.smm.backend.tracing.TracingBackend;
import io.smm.backend.validation.ValidationService;
import io.smm.backend.vm.AgentDownloads;
import io.smm.backend.vm.VmBootstrapService;
import io.smm.backend.vm.VmRoutes;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The `smm server` role: GraphQL API, health endpoints, own metrics and the dashboard, on one
 * HTTP port.
 */
public class SmmServer implements AutoCloseable {

  static final String DASHBOARD_ROOT = "smm-dashboard";

  private final Vertx vertx = Vertx.vertx();
  private final ExecutorService blocking = Executors.newFixedThreadPool(8, DaemonThreads.named("smm-kube"));
  /** Half the blocking pool at most per user: another user's request always finds a thread. */
  private final UserConcurrency userConcurrency = new UserConcurrency(4, 32);
  private final KubernetesClient client;
  private final NamespaceFeed namespaceFeed;
  private final ServerMetrics metrics = new ServerMetrics();
  private final ClusterQueries clusters;
  private final TopologyService topology;
  private final HealthService health;
  private final MeshOverviewService overview;
  private final GoldenSignalsService signals;
  private final TapHub tapHub = new TapHub();
  private final AccessLogReceiver accessLogs = new AccessLogReceiver(tapHub);
  private final TapStreams taps;
  private AccessLogServer accessLogServer;
  private HttpServer server;
  private final ValidationService validation;
  private final CallerServices callers;
  private final TraceService traces;
  /** Where the ControlPlane's tracing component (Jaeger all-in-one, base path /jaeger) serves its query API in the cluster. */
  public static final URI DEFAULT_TRACING = URI.create("http://smm-tracing.smm-system.svc.cluster.local:16686/jaeger");
  /** Where the ControlPlane's Grafana answers in the cluster (served under /grafana). */
  public static final URI DEFAULT_GRAFANA = URI.create("http://smm-grafana.smm-system.svc.cluster.local:3000");
  private final URI tracing;
  private final URI grafana;
  private ToolsProxy tools;
  /** How often mesh validation runs in the background. */
  private static final Duration VALIDATION_INTERVAL = Duration.ofSeconds(15);

  /**
   * @param prometheus the Prometheus API base (e.g. the seed's
   *     http://smm-prometheus.smm-system.svc.cluster.local:59090/prometheus)
   */
  public SmmServer(KubernetesClient client, String fallbackClusterName, URI prometheus) {
    this(client, fallbackClusterName, prometheus, DEFAULT_TRACING, DEFAULT_GRAFANA, Duration.ofSeconds(30));
  }

  /**
   * @param tracing the tracing server's query API (the ControlPlane's Jaeger, or a Zipkin server)
   * @param grafana the ControlPlane's Grafana, whose UI the tools port proxies
   * @param tapStuckAfter how long a tap subscriber's socket may stay congested before it is closed
   */
  public SmmServer(KubernetesClient client, String fallbackClusterName, URI prometheus, URI tracing, URI grafana, Duration tapStuckAfter) {
    this.tracing = tracing;
    this.grafana = grafana;
    this.taps = new TapStreams(tapHub, tapStuckAfter);
    this.client = client;
    this.clusters = new ClusterQueries(client, fallbackClusterName);
    this.namespaceFeed = new NamespaceFeed(client);
    // One limit for the whole server: a burst of dashboards queues here instead of flooding Prometheus.
    PrometheusClient prometheusClient = new PrometheusClient(prometheus, Duration.ofSeconds(10), 8);
    String cluster = fallbackClusterName; // only for series without cluster labels
    this.health = new HealthService(prometheusClient, new HealthScorer(HealthThresholds.DEFAULT), cluster,
        () -> CompletableFuture.supplyAsync(clusters::healthEnabled, blocking));
    this.topology = new TopologyService(prometheusClient, clusters, health, cluster, blocking);
    this.signals = new GoldenSignalsService(prometheusClient);
    this.validation = new ValidationService(client, clusters::clusterName, VALIDATION_INTERVAL);
    this.overview = new MeshOverviewService(prometheusClient, health, client, validation, blocking);
    this.callers = new CallerServices(clusters, client, prometheusClient, blocking);
    this.traces = new TraceService(new TracingBackend(tracing, Duration.ofSeconds(10)));
  }

  /**
   * Starts listening (and, unless disabled, the access log service sidecars stream to) and returns
   * the bound HTTP port; {@link ListenFailedException} when a port is taken.
   */
  public int start(ServerOptions options) {
    AuthSettings settings = AuthSettings.read(clusters);
    boolean anonymous = options.anonymousAuth() || settings.anonymous();
    if (anonymous && !options.loopback()) {
      // Anonymous mode hands the backend's own permissions to whoever connects: only on this machine.
      throw new IllegalStateException("anonymous authentication is refused on " + options.host()
          + ": it is only allowed when the dashboard listens on a loopback address (127.0.0.1); log in with `smm dashboard` instead");
    }
    Authenticator auth = new Authenticator(client, anonymous, anonymous ? null : settings.oidc(),
        Clock.systemUTC());
    AuthRoutes authRoutes = new AuthRoutes(auth, vertx);
    int toolsPort = -1;
    if (options.toolsPort() != ServerOptions.NO_TOOLS) {
      tools = new ToolsProxy(vertx, ToolsProxy.upstreams(grafana, tracing), Clock.systemUTC());
      try {
        toolsPort = tools.start(options.host(), options.toolsPort());
      } catch (CompletionException e) {
        throw new ListenFailedException(new ServerOptions(options.host(), options.toolsPort()), e.getCause() != null ? e.getCause() : e);
      }
    }
    int boundTools = toolsPort;
    SmmGraphQL.Tools toolLinks = (username, path) -> {
      if (tools == null) {
        throw new IllegalArgumentException("Grafana and the tracing UI are not served: this backend runs without a tools port");
      }
      return new SmmGraphQL.ToolLink(boundTools, "/open?ticket=" + tools.ticket(username, path));
    };
    GraphQL graphQL = SmmGraphQL.create(new SmmGraphQL.Shared(BuildInfo.load(), namespaceFeed, topology, health, overview, signals,
        new SmmGraphQL.Tap(taps, accessLogs::stats), validation, traces, toolLinks), callers, blocking);
    if (options.alsPort() != ServerOptions.NO_ALS) {
      try {
        accessLogServer = new AccessLogServer(options.host(), options.alsPort(), accessLogs);
      } catch (UncheckedIOException e) {
        throw new ListenFailedException(new ServerOptions(options.host(), options.alsPort()), e.getCause());
      }
    }
    Router router = Router.router(vertx);
    router.route().handler(metrics::instrument);
    router.route().handler(SecurityHeaders::add);
    router.get("/healthz").handler(rc -> rc.response().putHeader("Content-Type", "text/plain").end("ok"));
    router.get("/readyz").handler(this::ready);
    router.get("/metrics").handler(metrics::serve);
    // Two routes on one path: WebSocket upgrades (graphql-transport-ws) are taken before any body
    // handling, everything else falls through to GraphQL over HTTP.
    authRoutes.mount(router);
    new VmRoutes(new VmBootstrapService(client), vertx).mount(router);
    new AgentDownloads(AgentDownloads.runningJar()).mount(router);
    router.route("/api/graphql").handler(GraphQLWSHandler.create(graphQL)
        .connectionInitHandler(init -> vertx.executeBlocking(() -> authRoutes.connection(init.message().message().getJsonObject("payload")),
            false).onSuccess(init::complete).onFailure(init::fail))
        .beforeExecute(ctx -> {
          Caller caller = authRoutes.caller((AuthRoutes.Connection) ctx.context().connectionParams());
          if (caller != null) {
            ctx.builder().graphQLContext(Map.of(Caller.class, caller, ServerWebSocket.class, ctx.context().socket()));
          }
        }));
    router.route("/api/graphql").handler(BodyHandler.create().setBodyLimit(1024 * 1024))
        .handler(GetOnlyQueries::check)
        .handler(authRoutes::requireSession)
        .handler(userConcurrency::handle)
        .handler(GraphQLHandler.create(graphQL)
            .beforeExecute(ctx -> {
              Caller caller = ctx.context().get(AuthRoutes.CALLER);
              // The request's Prometheus queries share slots fairly with other users' and stop when its client leaves.
              QueryScope scope = new QueryScope(caller.identity().username());
              ctx.context().addEndHandler(v -> scope.cancel()); // answered, or the client hung up: nothing more to ask
              ctx.builder().graphQLContext(Map.of(Caller.class, caller, QueryScope.class, scope));
            }));
    // Vert.x looks for the webroot in the working directory before the classpath; a name no
    // checkout has keeps `smm` started from the repository root from serving dashboard/'s sources.
    // Vite names every asset by its content hash, so an asset never changes under its name; the
    // HTML that names them must be revalidated, or a new version's UI would not load for a day.
    router.route("/assets/*").handler(StaticHandler.create(DASHBOARD_ROOT + "/assets").setMaxAgeSeconds(Duration.ofDays(365).toSeconds()));
    router.route("/*").handler(rc -> {
      rc.addHeadersEndHandler(v -> rc.response().headers().set("Cache-Control", "no-cache"));
      rc.next();
    }).handler(StaticHandler.create(DASHBOARD_ROOT).setCachingEnabled(false).setIndexPage("index.html"));
    try {
      // Browsers drop a WebSocket whose handshake does not confirm the subprotocol they asked for.
      server = vertx.createHttpServer(new HttpServerOptions()
              .setWebSocketSubProtocols(List.of("graphql-transport-ws")))
          .requestHandler(router)
          .listen(options.port(), options.host())
          .toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new ListenFailedException(options, e.getCause() != null ? e.getCause() : e);
    }
    return server.actualPort();
  }

  /** The port Grafana's and the tracing UI are proxied on; -1 when not listening. */
  public int toolsPort() {
    return tools == null ? -1 : tools.port();
  }

  /** The port sidecars send access logs to; -1 when not listening. */
  public int accessLogPort() {
    return accessLogServer == null ? -1 : accessLogServer.port();
  }

  /** Ready when the Kubernetes API answers; the reason is in the body either way. */
  private void ready(RoutingContext rc) {
    vertx.<String>executeBlocking(() -> client.getKubernetesVersion().getGitVersion(), false)
        .onSuccess(v -> rc.json(new JsonObject().put("ready", true).put("kubernetes", v)))
        .onFailure(e -> rc.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("ready", false).put("reason", "Kubernetes API: " + e.getMessage()).encode()));
  }

  @Override
  public void close() {
    namespaceFeed.close();
    validation.close();
    topology.close();
    if (accessLogServer != null) {
      accessLogServer.close();
    }
    taps.close();
    if (tools != null) {
      tools.close();
    }
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
    blocking.shutdownNow();
    try {
      blocking.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
