package io.smm.backend.graphql;

import graphql.GraphQL;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.smm.backend.BuildInfo;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import io.smm.backend.cluster.NamespaceFeed;
import io.smm.backend.health.HealthService;
import io.smm.backend.mesh.MeshOverview;
import io.smm.backend.mesh.MeshOverviewService;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.topology.TopologyService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Wires the SDL in graphql/schema.graphqls to the resolvers. */
public final class SmmGraphQL {

  private SmmGraphQL() {}

  /** Traffic tap: subscriptions and the receiver's counters. */
  public record Tap(io.smm.backend.tap.TapStreams streams, Supplier<io.smm.backend.tap.AccessLogReceiver.Stats> stats) {}

  /** What every caller shares: metrics, background validation, feeds and taps, filtered per caller here. */
  public record Shared(BuildInfo build, NamespaceFeed namespaceFeed, TopologyService topology, HealthService health,
      MeshOverviewService overview, GoldenSignalsService signals, Tap tap, io.smm.backend.validation.ValidationService validation) {}

  /**
   * @param callers the Kubernetes-reading services, made per caller so RBAC decides
   * @param blocking where resolvers that call the Kubernetes API run, so they never block the
   *     HTTP event loop
   */
  public static GraphQL create(Shared shared, CallerServices callers, Executor blocking) {
    MeshResolvers mesh = new MeshResolvers(shared.topology(), shared.health(), shared.signals(), blocking);
    NamespaceFeed namespaceFeed = shared.namespaceFeed();
    MeshOverviewService overview = shared.overview();
    Tap tap = shared.tap();
    RuntimeWiring.Builder builder = RuntimeWiring.newRuntimeWiring();
    new IstioResolvers(callers, shared.validation(), blocking).wire(builder);
    RuntimeWiring wiring = builder
        .type("Query", t -> t
            .dataFetcher("version", env -> Map.of("version", shared.build().version()))
            .dataFetcher("me", env -> {
              Caller c = Callers.of(env);
              return Map.of("username", c.identity().username(), "groups", c.identity().groups(), "anonymous", c.anonymous());
            })
            .dataFetcher("clusters", env -> async(env, c -> callers.clusters(c).clusters(), blocking))
            .dataFetcher("namespaces", env -> async(env, c -> {
              NamespaceAccess.Visible visible = c.visible();
              return visible.all() ? callers.clusters(c).namespaces() : callers.clusters(c).namespaces(visible::contains);
            }, blocking))
            .dataFetcher("services", env -> async(env, c -> {
              List<String> ns = Callers.within(c, env.getArgument("namespaces"));
              return ns != null && ns.isEmpty() ? List.of() : callers.clusters(c).services(ns);
            }, blocking))
            .dataFetcher("workloads", env -> async(env, c -> {
              List<String> ns = Callers.within(c, env.getArgument("namespaces"));
              return ns != null && ns.isEmpty() ? List.of() : callers.clusters(c).workloads(ns);
            }, blocking))
            .dataFetcher("pods", env -> async(env, c -> callers.clusters(c).pods(env.getArgument("namespace"),
                selector(env.getArgument("selector"))), blocking))
            .dataFetcher("meshOverview", env -> {
              java.time.Duration window = java.time.Duration.ofSeconds(Math.max(1, Math.min(86_400, env.<Integer>getArgument("windowSeconds"))));
              // A user who may read only some namespaces gets the overview of those.
              return async(env, c -> Callers.within(c, null), blocking).thenCompose(ns -> ns == null ? overview.overview(window)
                  : ns.isEmpty() ? CompletableFuture.completedFuture(MeshOverview.NOTHING) : overview.overview(window, Set.copyOf(ns)))
                  .thenApply(MeshResolvers::overview);
            })
            .dataFetcher("controlPlanes", env -> allowed(env, Caller::requireAll, blocking).thenCompose(c -> overview.controlPlanes())
                .thenApply(planes -> planes.stream()
                .map(MeshResolvers::controlPlane).toList()))
            .dataFetcher("controlPlane", env -> {
              java.time.Duration range = java.time.Duration.ofSeconds(between(env, "rangeSeconds", 300, 86_400));
              return allowed(env, Caller::requireAll, blocking).thenCompose(c -> callers.controlPlaneDetails()
                  .detail(env.getArgument("namespace"), env.getArgument("name"), range));
            })
            .dataFetcher("podLogs", env -> {
              int tail = between(env, "tailLines", 1, 5000);
              return async(env, c -> callers.clusters(c).podLogs(env.getArgument("namespace"), env.getArgument("pod"),
                  env.getArgument("container"), tail), blocking);
            })
            .dataFetcher("events", env -> {
              int limit = between(env, "limit", 1, 1000);
              return async(env, c -> callers.clusters(c).events(env.getArgument("namespace"), env.getArgument("workload"),
                  env.getArgument("pod"), limit), blocking);
            })
            .dataFetcher("tapReceiver", env -> tap.stats().get())
            .dataFetcher("slos", env -> {
              Caller c = Callers.of(env);
              return callers.slos(c).slos(env.getArgument("namespace"), env.getArgument("service"))
                  .thenApply(list -> list.stream().map(SloResolvers::slo).toList());
            })
            .dataFetcher("sliTemplates", env -> async(env, c -> callers.slos(c).templates(), blocking))
            .dataFetcher("sloSummary", env -> async(env, c -> Callers.within(c, null), blocking).thenCompose(ns -> ns == null
                ? callers.slos(Callers.of(env)).summary() : callers.slos(Callers.of(env)).summary(ns)))
            .dataFetcher("sloSeries", env -> {
              String namespace = env.getArgument("namespace");
              var range = java.time.Duration.ofSeconds(between(env, "rangeSeconds", 60, 30 * 86_400));
              var step = java.time.Duration.ofSeconds(between(env, "stepSeconds", 10, 86_400));
              return allowed(env, c -> c.require(namespace), blocking)
                  .thenCompose(c -> callers.slos(c).series(namespace, env.getArgument("name"), range, step)).thenApply(SloResolvers::series);
            })
            .dataFetcher("goldenSignals", mesh::goldenSignals)
            .dataFetcher("topology", mesh::topology)
            .dataFetcher("health", mesh::health))
        .type("TapRequest", t -> t.dataFetcher("headers", env -> ((io.smm.backend.tap.TapEntry.Request) env.getSource()).headers()
            .entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList()))
        .type("Mutation", t -> t
            .dataFetcher("createSlo", env -> {
              Map<String, Object> in = env.getArgument("input");
              @SuppressWarnings("unchecked")
              List<Map<String, String>> params = (List<Map<String, String>>) in.getOrDefault("parameters", List.of());
              var request = new io.smm.backend.slo.SloService.NewSlo((String) in.get("namespace"), (String) in.get("name"),
                  (String) in.get("service"), (String) in.get("template"), (String) in.get("templateNamespace"),
                  selector(params), (String) in.get("goal"), (String) in.get("windowType"), (String) in.get("period"),
                  (String) in.get("description"));
              return async(env, c -> SloResolvers.slo(callers.slos(c).create(request)), blocking);
            })
            .dataFetcher("generateLoad", env -> {
              Map<String, Object> in = env.getArgument("input");
              @SuppressWarnings("unchecked")
              List<Map<String, String>> headers = (List<Map<String, String>>) in.getOrDefault("headers", List.of());
              var request = new io.smm.backend.load.LoadGenerator.Request((String) in.get("namespace"), (String) in.get("url"),
                  (String) in.get("method"), selector(headers), ((Number) in.get("requestsPerSecond")).doubleValue(),
                  (Integer) in.get("durationSeconds"));
              return async(env, c -> {
                var run = callers.load(c).start(request);
                return Map.of("namespace", run.namespace(), "pod", run.pod(), "until", run.until().toString());
              }, blocking);
            })
            .dataFetcher("deleteSlo", env -> async(env, c -> callers.slos(c).delete(env.getArgument("namespace"),
                env.getArgument("name")), blocking))
            .dataFetcher("createAlertingPolicy", env -> {
              Map<String, Object> in = env.getArgument("input");
              var request = new io.smm.backend.slo.SloService.NewPolicy((String) in.get("namespace"), (String) in.get("name"),
                  (String) in.get("slo"), (String) in.get("severity"), (String) in.get("threshold"), (String) in.get("lookBackWindow"),
                  (String) in.get("secondaryWindow"), (String) in.get("conditionMetDuration"));
              return async(env, c -> SloResolvers.alert(callers.slos(c).createPolicy(request)), blocking);
            })
            .dataFetcher("deleteAlertingPolicy", env -> async(env, c -> callers.slos(c).deletePolicy(env.getArgument("namespace"),
                env.getArgument("name")), blocking)))
        .type("Subscription", t -> t
            .dataFetcher("namespaces", env -> {
              Caller c = Callers.of(env);
              // Each list is cut to what the caller may see when it is sent (access is cached briefly).
              return new MappedPublisher<>(namespaceFeed.publisher(), list -> {
                NamespaceAccess.Visible visible = c.visible();
                return list.stream().filter(n -> visible.contains(n.name())).toList();
              });
            })
            .dataFetcher("tap", env -> {
              Caller c = Callers.of(env);
              io.smm.backend.tap.TapFilter filter = tapFilter(env.getArgument("filter"));
              c.require(filter.namespace());
              return tap.streams().open(filter);
            }))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(loadSchema(), wiring);
    return GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new ClearErrors())
        .instrumentation(new SessionRequired()).build();
  }

  /** The caller once {@code check} passed; it runs on the blocking pool, since it may ask the API server. */
  static CompletableFuture<Caller> allowed(graphql.schema.DataFetchingEnvironment env, java.util.function.Consumer<Caller> check,
      Executor executor) {
    return async(env, c -> {
      check.accept(c);
      return c;
    }, executor);
  }

  /** Runs a call as the operation's caller on the blocking pool. */
  static <T> CompletableFuture<T> async(graphql.schema.DataFetchingEnvironment env, java.util.function.Function<Caller, T> call,
      Executor executor) {
    Caller caller = Callers.of(env);
    return CompletableFuture.supplyAsync(() -> call.apply(caller), executor);
  }

  /** An Int argument, refused (BAD_USER_INPUT) outside [min, max]. */
  private static int between(graphql.schema.DataFetchingEnvironment env, String name, int min, int max) {
    int value = env.<Integer>getArgument(name);
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
    }
    return value;
  }

  private static io.smm.backend.tap.TapFilter tapFilter(Map<String, Object> f) {
    return io.smm.backend.tap.TapFilter.of((String) f.get("kind"), (String) f.get("namespace"), (String) f.get("name"),
        (String) f.get("direction"), (String) f.get("destination"), (String) f.get("method"), (String) f.get("pathPrefix"),
        (Integer) f.get("minResponseCode"), (Integer) f.get("maxResponseCode"), (String) f.get("header"), (String) f.get("protocol"),
        (String) f.get("grpcStatus"));
  }

  /** [LabelInput!] as a map; none when the argument was left out. */
  static Map<String, String> selector(List<Map<String, String>> labels) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (labels != null) {
      labels.forEach(l -> out.put(l.get("key"), l.get("value")));
    }
    return out;
  }

  static TypeDefinitionRegistry loadSchema() {
    try (InputStream in = SmmGraphQL.class.getResourceAsStream("/graphql/schema.graphqls")) {
      if (in == null) {
        throw new IllegalStateException("graphql/schema.graphqls is missing from the classpath");
      }
      return new SchemaParser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
