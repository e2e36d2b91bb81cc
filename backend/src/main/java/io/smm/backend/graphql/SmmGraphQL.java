package io.smm.backend.graphql;

import graphql.GraphQL;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.tracing.TraceService;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.smm.backend.BuildInfo;
import io.smm.backend.cluster.NamespaceFeed;
import io.smm.backend.health.HealthService;
import io.smm.backend.mesh.MeshOverviewService;
import io.smm.backend.signals.GoldenSignalsService;
import io.smm.backend.tap.AccessLogReceiver;
import io.smm.backend.tap.TapStreams;
import io.smm.backend.topology.TopologyService;
import io.smm.backend.validation.ValidationService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Wires the SDL under graphql/ to the resolvers: one schema file and one resolver class per area.
 * Resolvers return records; graphql-java reads their components ({@link FiniteProperties}).
 */
public final class SmmGraphQL {

  /** The schema's areas, each a file graphql/NAME.graphqls served by the resolver class of that name. */
  static final List<String> AREAS = List.of("auth", "cluster", "mesh", "istio", "slo", "tap", "tracing");

  private SmmGraphQL() {}

  /** Traffic tap: subscriptions and the receiver's counters. */
  public record Tap(TapStreams streams, Supplier<AccessLogReceiver.Stats> stats) {}

  /** What every caller shares: metrics, background validation, feeds and taps, filtered per caller here. */
  public record Shared(BuildInfo build, NamespaceFeed namespaceFeed, TopologyService topology, HealthService health,
      MeshOverviewService overview, GoldenSignalsService signals, Tap tap, ValidationService validation, TraceService traces,
      Tools tools) {}

  /** Links into the UIs the backend proxies on its tools port (Grafana, the tracing UI): a one-time ticket for a user and a path. */
  @FunctionalInterface
  public interface Tools {
    ToolLink open(String username, String path);
  }

  /** Where the browser goes: {@code path} (with the ticket) on this host's {@code port}. */
  public record ToolLink(int port, String path) {}

  /**
   * @param callers the Kubernetes-reading services, made per caller so RBAC decides
   * @param blocking where resolvers that call the Kubernetes API run, so they never block the
   *     HTTP event loop
   */
  public static GraphQL create(Shared shared, CallerServices callers, Executor blocking) {
    RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring()
        .codeRegistry(GraphQLCodeRegistry.newCodeRegistry().defaultDataFetcher(new FiniteProperties()));
    new AuthResolvers(shared.build()).wire(wiring);
    new ClusterResolvers(callers, shared.namespaceFeed(), blocking).wire(wiring);
    new MeshResolvers(shared.topology(), shared.health(), shared.signals(), shared.overview(), callers, blocking).wire(wiring);
    new IstioResolvers(callers, shared.validation(), blocking).wire(wiring);
    new SloResolvers(callers, blocking).wire(wiring);
    new TapResolvers(shared.tap()).wire(wiring);
    new TracingResolvers(shared.traces(), shared.tools(), callers, blocking).wire(wiring);
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(loadSchema(), wiring.build());
    return GraphQL.newGraphQL(schema).defaultDataFetcherExceptionHandler(new ClearErrors())
        .instrumentation(new ChainedInstrumentation(List.of(new QueryCost(), new SessionRequired(), new KubernetesNames()))).build();
  }

  /** The whole schema: every area's file. */
  public static TypeDefinitionRegistry loadSchema() {
    TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
    SchemaParser parser = new SchemaParser();
    for (String area : AREAS) {
      String path = "/graphql/" + area + ".graphqls";
      try (InputStream in = SmmGraphQL.class.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException(path + " is missing from the classpath");
        }
        registry.merge(parser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return registry;
  }
}
