package io.smm.backend.graphql;

import graphql.GraphQL;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.smm.backend.BuildInfo;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.cluster.NamespaceFeed;
import io.smm.backend.health.HealthService;
import io.smm.backend.mesh.MeshOverviewService;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.topology.TopologyService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Wires the SDL in graphql/schema.graphqls to the resolvers. */
public final class SmmGraphQL {

  private SmmGraphQL() {}

  /** Istio resources and the mesh validation that runs in the background. */
  public record Istio(io.smm.backend.istio.IstioConfigService resources, io.smm.backend.validation.ValidationService validation,
      io.smm.backend.egress.EgressRecommender egress, io.smm.backend.gateway.GatewayEntryPoints entryPoints) {}

  /** Traffic tap: subscriptions and the receiver's counters. */
  public record Tap(io.smm.backend.tap.TapStreams streams, Supplier<io.smm.backend.tap.AccessLogReceiver.Stats> stats) {}

  /**
   * @param blocking where resolvers that call the Kubernetes API run, so they never block the
   *     HTTP event loop
   */
  public static GraphQL create(BuildInfo build, ClusterQueries clusters, NamespaceFeed namespaceFeed, TopologyService topology,
      HealthService health, MeshOverviewService overview, GoldenSignalsService signals, Tap tap, io.smm.backend.slo.SloService slos,
      Istio istio, Executor blocking) {
    MeshResolvers mesh = new MeshResolvers(topology, health, signals);
    RuntimeWiring.Builder builder = RuntimeWiring.newRuntimeWiring();
    new IstioResolvers(istio, blocking).wire(builder);
    RuntimeWiring wiring = builder
        .type("Query", t -> t
            .dataFetcher("version", env -> Map.of("version", build.version()))
            .dataFetcher("clusters", async(clusters::clusters, blocking))
            .dataFetcher("namespaces", async(clusters::namespaces, blocking))
            .dataFetcher("services", env -> CompletableFuture.supplyAsync(() -> clusters.services(env.getArgument("namespaces")), blocking))
            .dataFetcher("workloads", env -> CompletableFuture.supplyAsync(() -> clusters.workloads(env.getArgument("namespaces")), blocking))
            .dataFetcher("pods", env -> CompletableFuture.supplyAsync(() -> clusters.pods(env.getArgument("namespace"),
                selector(env.getArgument("selector"))), blocking))
            .dataFetcher("meshOverview", env -> overview.overview(java.time.Duration.ofSeconds(
                Math.max(1, Math.min(86_400, env.<Integer>getArgument("windowSeconds"))))).thenApply(MeshResolvers::overview))
            .dataFetcher("controlPlanes", env -> overview.controlPlanes().thenApply(planes -> planes.stream()
                .map(MeshResolvers::controlPlane).toList()))
            .dataFetcher("podLogs", env -> {
              int tail = between(env, "tailLines", 1, 5000);
              return CompletableFuture.supplyAsync(() -> clusters.podLogs(env.getArgument("namespace"), env.getArgument("pod"),
                  env.getArgument("container"), tail), blocking);
            })
            .dataFetcher("events", env -> {
              int limit = between(env, "limit", 1, 1000);
              return CompletableFuture.supplyAsync(() -> clusters.events(env.getArgument("namespace"), env.getArgument("workload"),
                  env.getArgument("pod"), limit), blocking);
            })
            .dataFetcher("tapReceiver", env -> tap.stats().get())
            .dataFetcher("slos", env -> slos.slos(env.getArgument("namespace"), env.getArgument("service"))
                .thenApply(list -> list.stream().map(SloResolvers::slo).toList()))
            .dataFetcher("sliTemplates", async(slos::templates, blocking))
            .dataFetcher("sloSummary", env -> slos.summary())
            .dataFetcher("sloSeries", env -> slos.series(env.getArgument("namespace"), env.getArgument("name"),
                java.time.Duration.ofSeconds(between(env, "rangeSeconds", 60, 30 * 86_400)),
                java.time.Duration.ofSeconds(between(env, "stepSeconds", 10, 86_400))).thenApply(SloResolvers::series))
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
                  selector(params), (String) in.get("goal"), (String) in.get("period"),
                  (String) in.get("description"));
              return CompletableFuture.supplyAsync(() -> SloResolvers.slo(slos.create(request)), blocking);
            })
            .dataFetcher("deleteSlo", env -> CompletableFuture.supplyAsync(() -> slos.delete(env.getArgument("namespace"),
                env.getArgument("name")), blocking))
            .dataFetcher("createAlertingPolicy", env -> {
              Map<String, Object> in = env.getArgument("input");
              var request = new io.smm.backend.slo.SloService.NewPolicy((String) in.get("namespace"), (String) in.get("name"),
                  (String) in.get("slo"), (String) in.get("severity"), (String) in.get("threshold"), (String) in.get("lookBackWindow"),
                  (String) in.get("secondaryWindow"), (String) in.get("conditionMetDuration"));
              return CompletableFuture.supplyAsync(() -> SloResolvers.alert(slos.createPolicy(request)), blocking);
            })
            .dataFetcher("deleteAlertingPolicy", env -> CompletableFuture.supplyAsync(() -> slos.deletePolicy(env.getArgument("namespace"),
                env.getArgument("name")), blocking)))
        .type("Subscription", t -> t
            .dataFetcher("namespaces", env -> namespaceFeed.publisher())
            .dataFetcher("tap", env -> tap.streams().open(tapFilter(env.getArgument("filter")))))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(loadSchema(), wiring);
    return GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new ClearErrors()).build();
  }

  /** An Int argument, refused (BAD_USER_INPUT) outside [min, max]. */
  private static int between(graphql.schema.DataFetchingEnvironment env, String name, int min, int max) {
    int value = env.<Integer>getArgument(name);
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
    }
    return value;
  }

  private static <T> DataFetcher<CompletableFuture<T>> async(Supplier<T> call, Executor executor) {
    return env -> CompletableFuture.supplyAsync(call, executor);
  }

  private static io.smm.backend.tap.TapFilter tapFilter(Map<String, Object> f) {
    return io.smm.backend.tap.TapFilter.of((String) f.get("kind"), (String) f.get("namespace"), (String) f.get("name"),
        (String) f.get("direction"), (String) f.get("destination"), (String) f.get("method"), (String) f.get("pathPrefix"),
        (Integer) f.get("minResponseCode"), (Integer) f.get("maxResponseCode"), (String) f.get("header"), (String) f.get("protocol"));
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
