package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.cluster.Label;
import io.smm.backend.egress.EgressRecommendation;
import io.smm.backend.gateway.EntryPoint;
import io.smm.backend.gateway.EntryPointResult;
import io.smm.backend.gateway.GatewayCertificates;
import io.smm.backend.istio.ApplyResult;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.istio.IstioResource;
import io.smm.backend.istio.IstioTemplate;
import io.smm.backend.istio.IstioTemplates;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.Severity;
import io.smm.backend.validation.ValidationService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** Istio resources, templates, mesh validation, sidecar egress recommendations and gateway entry points. */
record IstioResolvers(CallerServices callers, ValidationService validation, Executor blocking) {

  /** A finding as the seed's `smm analyze -o json` names its fields. */
  record ValidationFinding(String checkID, String severity, String subjectContextKey, String kind, String namespace, String name,
      String istioRevision, String path, String errorMessage, List<Label> context, String istioCode, String istioMessage) {
    static ValidationFinding of(Finding f, String cluster) {
      return new ValidationFinding(f.checkId(), f.severity().label(), f.subject().key(cluster), f.subject().kind(),
          f.subject().namespace(), f.subject().name(), f.istioRevision(), f.path(), f.message(), Label.of(f.context()),
          f.istio() == null ? null : f.istio().code(), f.istio() == null ? null : f.istio().messageName());
    }
  }

  record ValidationReport(String time, String cluster, String error, int errors, int warnings, List<ValidationFinding> findings,
      String json) {}

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("istioResources", env -> async(env, c -> {
          IstioConfigService istio = callers.istio(c);
          String namespace = env.getArgument("namespace");
          List<String> within = Callers.within(c, namespace == null || namespace.isBlank() ? null : List.of(namespace));
          return within == null ? istio.list(null, env.getArgument("kind"))
              : within.stream().flatMap(ns -> istio.list(ns, env.getArgument("kind")).stream()).toList();
        }))
        .dataFetcher("istioResource", env -> async(env, c -> callers.istio(c).get(env.getArgument("kind"), env.getArgument("namespace"),
            env.getArgument("name"))))
        .dataFetcher("validateIstioResource", env -> async(env, c -> callers.istio(c).validate(env.getArgument("yaml"))))
        .dataFetcher("istioTemplates", env -> IstioTemplates.ALL)
        .dataFetcher("renderIstioTemplate", env -> IstioTemplates.require(env.getArgument("id"))
            .render(Arguments.labels(env.getArgument("parameters"))))
        .dataFetcher("validationIssues", env -> async(env, c -> report(env, c)))
        .dataFetcher("sidecarEgressRecommendation", env -> {
          int window = Arguments.between(env, "windowSeconds", 60, 30 * 86_400);
          return async(env, c -> {
            c.require(env.getArgument("namespace")); // the recommendation is read from the namespace's metrics
            return callers.egress(c).recommend(env.getArgument("namespace"), env.getArgument("workload"), Duration.ofSeconds(window));
          }).thenCompose(f -> f);
        }));
    wiring.type("IstioResource", t -> t
        .dataFetcher("spec", FiniteProperties.<IstioResource>derived(r -> r.spec().toString()))
        .dataFetcher("status", FiniteProperties.<IstioResource>derived(r -> r.status().isNull() ? null : r.status().toString()))
        .dataFetcher("validation", FiniteProperties.<IstioResource>derived(this::findingsAbout))
        .dataFetcher("credentials", env -> CompletableFuture.supplyAsync(() ->
            new GatewayCertificates(callers.ownClient(), Clock.systemUTC()).of(env.<IstioResource>getSource()), blocking)));
    wiring.type("IstioTemplate", t -> t.dataFetcher("parameters", FiniteProperties.<IstioTemplate>derived(IstioTemplate::params)));
    wiring.type("TemplateParameter", t -> t.dataFetcher("default", FiniteProperties.<IstioTemplate.Param>derived(
        IstioTemplate.Param::defaultValue)));
    wiring.type("EgressRecommendation", t -> t.dataFetcher("selector", FiniteProperties.<EgressRecommendation>derived(
        r -> Label.of(r.selector()))));
    wiring.type("Mutation", t -> t
        .dataFetcher("applyIstioResource", env -> async(env, c -> {
          ApplyResult result = callers.istio(c).apply(env.getArgument("yaml"), Boolean.TRUE.equals(env.getArgument("force")));
          if (result.applied()) {
            validation.refresh();
          }
          return result;
        }))
        .dataFetcher("createGatewayEntryPoint", env -> async(env, c -> {
          Map<String, Object> in = env.getArgument("input");
          @SuppressWarnings("unchecked")
          List<String> hosts = (List<String>) in.get("hosts");
          EntryPointResult result = callers.entryPoints(c).create(new EntryPoint((String) in.get("namespace"),
              (String) in.get("meshGateway"), (Integer) in.get("port"), (String) in.get("protocol"), hosts, (String) in.get("tlsSecret"),
              (String) in.get("letsEncryptEmail")));
          if (result.gateway().applied()) {
            validation.refresh();
          }
          return result;
        }))
        .dataFetcher("deleteIstioResource", env -> async(env, c -> {
          boolean deleted = callers.istio(c).delete(env.getArgument("kind"), env.getArgument("namespace"), env.getArgument("name"));
          validation.refresh();
          return deleted;
        })));
  }

  private <T> CompletableFuture<T> async(DataFetchingEnvironment env, Function<Caller, T> call) {
    return Callers.async(env, call, blocking);
  }

  /** The background validation's findings about the namespaces the caller may see. */
  private ValidationReport report(DataFetchingEnvironment env, Caller caller) {
    List<String> namespaces = Callers.within(caller, env.getArgument("namespaces"));
    ValidationService.Result result = Boolean.TRUE.equals(env.getArgument("refresh")) ? validation.refresh() : validation.latest();
    List<Finding> findings = result.findings();
    if (namespaces != null) {
      findings = findings.stream().filter(f -> namespaces.stream().anyMatch(ns -> AnalysisReport.isAbout(f, ns))).toList();
    }
    String cluster = result.cluster();
    return new ValidationReport(result.at().toString(), cluster, result.error(), (int) AnalysisReport.errors(findings),
        (int) findings.stream().filter(f -> f.severity() == Severity.WARNING).count(),
        findings.stream().map(f -> ValidationFinding.of(f, cluster)).toList(), AnalysisReport.json(findings, cluster).toPrettyString());
  }

  /** The latest validation's findings about one resource. */
  private List<ValidationFinding> findingsAbout(IstioResource r) {
    ValidationService.Result latest = validation.latest();
    return latest.findings().stream().filter(f -> f.subject().kind().equals(r.kind())
        && f.subject().namespace().equals(r.namespace()) && f.subject().name().equals(r.name()))
        .map(f -> ValidationFinding.of(f, latest.cluster())).toList();
  }
}
