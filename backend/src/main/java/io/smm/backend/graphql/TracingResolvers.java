package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import io.smm.backend.cluster.Label;
import io.smm.backend.cluster.WorkloadEntryInfo;
import io.smm.backend.tracing.Span;
import io.smm.backend.tracing.Trace;
import io.smm.backend.tracing.TraceService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Distributed traces: a service's slowest or failed traces and one trace, cut to the namespaces the caller sees. */
record TracingResolvers(TraceService traces, SmmGraphQL.Tools tools, CallerServices callers, Executor blocking) {

  /** A trace as the waterfall draws it. */
  record Detail(String traceId, String start, double durationMs, boolean error, List<SpanRow> spans) {}

  record SpanRow(String id, String parentId, String service, String caller, String name, double offsetMs, double durationMs,
      Double serverDurationMs, boolean error, String statusCode, String responseFlags, String requestId, List<Label> tags) {}

  record Lookup(boolean available, boolean found, String message, Detail trace, String api) {}

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t.dataFetcher("traces", this::search).dataFetcher("trace", this::lookup)
        .dataFetcher("traceByRequestId", this::byRequestId));
    // The proxied UIs show every namespace's data: only for callers who may read them all.
    wiring.type("Mutation", t -> t.dataFetcher("openTool", env -> Callers.async(env, c -> {
      c.requireAll();
      return tools.open(c.identity().username(), env.getArgument("path"));
    }, blocking)));
  }

  private CompletableFuture<TraceService.Search> search(DataFetchingEnvironment env) {
    String namespace = env.getArgument("namespace");
    String service = env.getArgument("service");
    Instant end = Arguments.instant(env.getArgument("end"), "end");
    Duration range = Arguments.seconds(env.getArgument("rangeSeconds"), 3600, "rangeSeconds");
    double minMs = ((Number) env.getArgument("minDurationMs")).doubleValue();
    if (minMs < 0 || minMs > 86_400_000) {
      throw new IllegalArgumentException("minDurationMs must be between 0 and 86400000");
    }
    int limit = Arguments.between(env, "limit", 1, 100);
    String workload = env.getArgument("workload");
    return Callers.async(env, c -> {
      c.require(namespace);
      // A VM workload's proxies are named for their hosts, not the workload: its WorkloadEntries say which.
      Set<String> vmHosts = workload == null ? Set.of() : callers.clusters(c).workloadEntries(namespace, workload).stream()
          .map(WorkloadEntryInfo::hostname).filter(Objects::nonNull).collect(Collectors.toSet());
      return traces.slowest(namespace, service, workload == null ? null : new TraceService.Workload(workload, vmHosts),
          end == null ? Instant.now() : end, range, Duration.ofNanos(Math.round(minMs * 1_000_000)),
          Boolean.TRUE.equals(env.getArgument("errorsOnly")), limit, visible(c));
    }, blocking);
  }

  private CompletableFuture<Lookup> lookup(DataFetchingEnvironment env) {
    String id = env.getArgument("id");
    return Callers.async(env, c -> lookup(traces.trace(id, visible(c))), blocking);
  }

  private CompletableFuture<Lookup> byRequestId(DataFetchingEnvironment env) {
    String namespace = env.getArgument("namespace");
    Instant end = Arguments.instant(env.getArgument("end"), "end");
    Duration range = Arguments.seconds(env.getArgument("rangeSeconds"), 3600, "rangeSeconds");
    return Callers.async(env, c -> {
      c.require(namespace);
      return lookup(traces.byRequestId(env.getArgument("requestId"), namespace, end == null ? Instant.now() : end, range, visible(c)));
    }, blocking);
  }

  private static Lookup lookup(TraceService.Lookup l) {
    return new Lookup(l.available(), l.found(), l.message(), l.trace() == null ? null : detail(l.trace()), l.api());
  }

  private static Predicate<String> visible(Caller c) {
    NamespaceAccess.Visible v = c.visible();
    return v::contains;
  }

  private static Detail detail(Trace t) {
    long start = t.startMicros();
    List<SpanRow> rows = t.spans().stream().map(s -> row(s, start)).toList();
    return new Detail(t.traceId(), Instant.ofEpochSecond(start / 1_000_000, (start % 1_000_000) * 1000).toString(),
        t.durationMicros() / 1000.0, t.error(), rows);
  }

  private static SpanRow row(Span s, long traceStart) {
    return new SpanRow(s.id(), s.parentId(), s.service(), s.caller(), s.name(), (s.startMicros() - traceStart) / 1000.0,
        s.durationMicros() / 1000.0, s.serverDurationMicros() == null ? null : s.serverDurationMicros() / 1000.0, s.error(),
        s.tag("http.status_code"), s.tag("response_flags"), s.tag("guid:x-request-id"), Label.sorted(s.tags()));
  }
}
