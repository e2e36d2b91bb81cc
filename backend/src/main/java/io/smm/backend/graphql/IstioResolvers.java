package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.istio.ApplyResult;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.istio.IstioResource;
import io.smm.backend.istio.IstioTemplates;
import io.smm.backend.istio.Issue;
import io.smm.backend.istio.ResourceValidation;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.Severity;
import io.smm.backend.validation.ValidationService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Istio resources, templates and mesh validation in the GraphQL API. */
final class IstioResolvers {

  private final CallerServices callers;
  private final ValidationService validation;
  private final Executor blocking;

  IstioResolvers(CallerServices callers, ValidationService validation, Executor blocking) {
    this.callers = callers;
    this.validation = validation;
    this.blocking = blocking;
  }

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("istioResources", env -> async(env, c -> {
          ValidationService.Result latest = validation.latest();
          IstioConfigService istio = callers.istio(c);
          String namespace = env.getArgument("namespace");
          List<String> within = Callers.within(c, namespace == null || namespace.isBlank() ? null : List.of(namespace));
          List<IstioResource> found = within == null ? istio.list(null, env.getArgument("kind"))
              : within.stream().flatMap(ns -> istio.list(ns, env.getArgument("kind")).stream()).toList();
          return found.stream().map(r -> resource(r, latest)).toList();
        }))
        .dataFetcher("istioResource", env -> async(env, c -> {
          IstioResource r = callers.istio(c).get(env.getArgument("kind"), env.getArgument("namespace"), env.getArgument("name"));
          return r == null ? null : resource(r, validation.latest());
        }))
        .dataFetcher("validateIstioResource", env -> async(env, c -> validation(callers.istio(c).validate(env.getArgument("yaml")))))
        .dataFetcher("istioTemplates", env -> IstioTemplates.ALL.stream().map(tpl -> Map.of("id", tpl.id(), "kind", tpl.kind(),
            "title", tpl.title(), "description", tpl.description(), "parameters", tpl.params().stream().map(p -> Map.of("name", p.name(),
                "description", p.description(), "default", p.defaultValue())).toList())).toList())
        .dataFetcher("renderIstioTemplate", env -> IstioTemplates.require(env.getArgument("id")).render(SmmGraphQL.selector(env.getArgument("parameters"))))
        .dataFetcher("validationIssues", env -> async(env, c -> report(env, c)))
        .dataFetcher("sidecarEgressRecommendation", env -> {
          int window = env.<Integer>getArgument("windowSeconds");
          if (window < 60 || window > 30 * 86_400) {
            throw new IllegalArgumentException("windowSeconds must be between 60 and " + 30 * 86_400);
          }
          return async(env, c -> {
            c.require(env.getArgument("namespace")); // the recommendation is read from the namespace's metrics
            return callers.egress(c).recommend(env.getArgument("namespace"), env.getArgument("workload"), java.time.Duration.ofSeconds(window));
          }).thenCompose(f -> f).thenApply(r -> Map.of("namespace", r.namespace(),
              "name", r.name(), "selector", r.selector().entrySet().stream().map(e -> Map.of("key", e.getKey(), "value", e.getValue()))
                  .toList(), "hosts", r.hosts(), "yaml", r.yaml(), "replacesExisting", r.replacesExisting()));
        }));
    wiring.type("Mutation", t -> t
        .dataFetcher("applyIstioResource", env -> async(env, c -> {
          ApplyResult result = callers.istio(c).apply(env.getArgument("yaml"), Boolean.TRUE.equals(env.getArgument("force")));
          if (result.applied()) {
            validation.refresh();
          }
          return apply(result);
        }))
        .dataFetcher("createGatewayEntryPoint", env -> async(env, c -> {
          Map<String, Object> in = env.getArgument("input");
          @SuppressWarnings("unchecked")
          List<String> hosts = (List<String>) in.get("hosts");
          var result = callers.entryPoints(c).create(new io.smm.backend.gateway.EntryPoint((String) in.get("namespace"), (String) in.get("meshGateway"),
              (Integer) in.get("port"), (String) in.get("protocol"), hosts, (String) in.get("tlsSecret"), (String) in.get("letsEncryptEmail")));
          if (result.gateway().applied()) {
            validation.refresh();
          }
          return Map.of("gateway", apply(result.gateway()), "alsoCreated", result.alsoCreated());
        }))
        .dataFetcher("deleteIstioResource", env -> async(env, c -> {
          boolean deleted = callers.istio(c).delete(env.getArgument("kind"), env.getArgument("namespace"), env.getArgument("name"));
          validation.refresh();
          return deleted;
        })));
  }

  private <T> CompletableFuture<T> async(DataFetchingEnvironment env, java.util.function.Function<io.smm.backend.auth.Caller, T> call) {
    return SmmGraphQL.async(env, call, blocking);
  }

  /** The background validation's findings about the namespaces the caller may see. */
  private Map<String, Object> report(DataFetchingEnvironment env, io.smm.backend.auth.Caller caller) {
    List<String> namespaces = Callers.within(caller, env.getArgument("namespaces"));
    ValidationService.Result result = Boolean.TRUE.equals(env.getArgument("refresh")) ? validation.refresh() : validation.latest();
    List<Finding> findings = result.findings();
    if (namespaces != null) {
      findings = findings.stream().filter(f -> namespaces.stream().anyMatch(ns -> AnalysisReport.isAbout(f, ns))).toList();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("time", result.at().toString());
    out.put("cluster", result.cluster());
    out.put("error", result.error());
    out.put("errors", (int) AnalysisReport.errors(findings));
    out.put("warnings", (int) findings.stream().filter(f -> f.severity() == Severity.WARNING).count());
    String cluster = result.cluster();
    out.put("findings", findings.stream().map(f -> finding(f, cluster)).toList());
    out.put("json", AnalysisReport.json(findings, cluster).toPrettyString());
    return out;
  }

  static Map<String, Object> finding(Finding f, String cluster) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("checkID", f.checkId());
    out.put("severity", f.severity().label());
    out.put("subjectContextKey", f.subject().key(cluster));
    out.put("kind", f.subject().kind());
    out.put("namespace", f.subject().namespace());
    out.put("name", f.subject().name());
    out.put("istioRevision", f.istioRevision());
    out.put("path", f.path());
    out.put("errorMessage", f.message());
    out.put("context", f.context().entrySet().stream().map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList());
    return out;
  }

  /** A resource with the latest validation's findings about it. */
  private static Map<String, Object> resource(IstioResource r, ValidationService.Result latest) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", r.kind());
    out.put("apiVersion", r.apiVersion());
    out.put("namespace", r.namespace());
    out.put("name", r.name());
    out.put("resourceVersion", r.resourceVersion());
    out.put("created", r.created());
    out.put("yaml", r.yaml());
    out.put("spec", r.spec().toString());
    out.put("status", r.status().isNull() ? null : r.status().toString());
    out.put("validation", latest.findings().stream().filter(f -> f.subject().kind().equals(r.kind())
        && f.subject().namespace().equals(r.namespace()) && f.subject().name().equals(r.name()))
        .map(f -> finding(f, latest.cluster())).toList());
    return out;
  }

  private static Map<String, Object> validation(ResourceValidation v) {
    return Map.of("kind", v.kind(), "namespace", v.namespace(), "name", v.name(), "issues", v.issues().stream().map(IstioResolvers::issue)
        .toList(), "blocked", v.blocked());
  }

  private static Map<String, Object> issue(Issue i) {
    return Map.of("checkId", i.checkId(), "severity", i.severity(), "path", i.path(), "message", i.message(), "line", i.line(),
        "column", i.column(), "blocking", i.blocking());
  }

  private Map<String, Object> apply(ApplyResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("applied", r.applied());
    out.put("created", r.created());
    out.put("resource", r.resource() == null ? null : resource(r.resource(), validation.latest()));
    out.put("issues", r.issues().stream().map(IstioResolvers::issue).toList());
    out.put("overridden", r.overridden().stream().map(IstioResolvers::issue).toList());
    return out;
  }
}
