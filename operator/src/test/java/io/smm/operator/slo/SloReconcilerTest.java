package io.smm.operator.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.components.SreComponent;
import io.smm.operator.controllers.StandaloneControllers;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SRE controller's reconcile against the sandbox API server: SLO in, PrometheusRule and status out. */
class SloReconcilerTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  SloReconciler reconciler;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    for (var kind : List.of(SmmCrds.SLI_TEMPLATE, SmmCrds.SERVICE_LEVEL_OBJECTIVE, SmmCrds.ALERTING_POLICY)) {
      client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(kind)).create();
    }
    client.apiextensions().v1().customResourceDefinitions().resource(IstioCrds.crd(IstioCrds.PROMETHEUS_RULE)).create();
    for (String ns : List.of("smm-system", "smm-demo")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    for (SliTemplate t : BuiltInSliTemplates.ALL) {
      client.resource(SreComponent.template(t, "smm-system")).create();
    }
    reconciler = new SloReconciler(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  void slo(String name, Map<String, Object> spec) {
    client.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion())
        .withKind(SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind()).withNewMetadata().withName(name).withNamespace("smm-demo").endMetadata()
        .addToAdditionalProperties("spec", spec).build()).createOr(r -> r.update());
  }

  static Map<String, Object> spec(Map<String, Object> params, String goal) {
    return Map.of("selector", Map.of("name", "payments", "namespace", "smm-demo"),
        "sli", Map.of("templateRef", Map.of("name", "http-requests-success-rate", "namespace", "smm-system"), "parameters", params),
        "slo", Map.of("goal", goal, "rolling", Map.of("length", "720h0m0s")));
  }

  GenericKubernetesResource rule(String name) {
    return client.genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule").inNamespace("smm-demo").withName(name).get();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status(String name) {
    return (Map<String, Object>) client.genericKubernetesResources(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion(),
        SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind()).inNamespace("smm-demo").withName(name).get().getAdditionalProperties().get("status");
  }

  @Test
  void anSloBecomesAPrometheusRuleOwnedByItWithTheDefaultPolicies() {
    slo("payments-availability", spec(Map.of(), "99.9"));
    SloReconciler.Outcome o = reconciler.reconcile("smm-demo", "payments-availability");
    assertThat(o.succeeded()).isTrue();
    assertThat(o.policyNames()).containsExactly("page-fast-burn", "page-slow-burn", "ticket-fast-burn", "ticket-slow-burn");
    GenericKubernetesResource rule = rule("slo-payments-availability");
    assertThat(rule.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ServiceLevelObjective");
    assertThat(rule.getAdditionalProperties().get("spec").toString()).contains("smm_slo:sli_error:ratio_rate1h").contains("SLOErrorBudgetBurn");
    assertThat(status("payments-availability")).containsEntry("status", "Succeeded").containsEntry("rules", 14);
    assertThat(status("payments-availability").get("alertingPolicies").toString())
        .contains("{name=page-fast-burn, severity=page, threshold=14.4, lookBackWindow=1h, secondaryWindow=5m, conditionMetDuration=2m}");
  }

  @Test
  void itsOwnAlertingPoliciesReplaceTheDefaults() {
    slo("payments-availability", spec(Map.of(), "99.5"));
    client.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.ALERTING_POLICY.apiVersion())
        .withKind(SmmCrds.ALERTING_POLICY.kind()).withNewMetadata().withName("payments-page").withNamespace("smm-demo").endMetadata()
        .addToAdditionalProperties("spec", Map.of("sloRef", Map.of("name", "payments-availability", "namespace", "smm-demo"),
            "severity", "page", "burnrate", Map.of("threshold", "10", "lookBackWindow", "30m", "secondaryWindow", "3m",
                "conditionMetDuration", "1m"))).build()).create();
    SloReconciler.Outcome o = reconciler.reconcile("smm-demo", "payments-availability");
    assertThat(o.policyNames()).containsExactly("payments-page");
    assertThat(o.rules()).as("3m, 30m, period, objective, budget, one alert").isEqualTo(6);
    assertThat(rule("slo-payments-availability").getAdditionalProperties().get("spec").toString()).contains("(10 * 0.005)");
  }

  @Test
  void anSloThatCannotBeRenderedFailsWithTheReasonAndLeavesItsRulesAlone() {
    slo("payments-availability", spec(Map.of(), "99.9"));
    reconciler.reconcile("smm-demo", "payments-availability");
    String before = rule("slo-payments-availability").getAdditionalProperties().get("spec").toString();

    slo("payments-availability", spec(Map.of("reportr", "destination"), "99.9"));
    SloReconciler.Outcome o = reconciler.reconcile("smm-demo", "payments-availability");
    assertThat(o.succeeded()).isFalse();
    assertThat(status("payments-availability")).containsEntry("status", "Failed")
        .containsEntry("error", "parameter \"reportr\" is not one of template smm-system/http-requests-success-rate's (reporter)");
    assertThat(rule("slo-payments-availability").getAdditionalProperties().get("spec").toString()).isEqualTo(before);

    slo("latency", Map.of("selector", Map.of("name", "payments"), "sli", Map.of("templateRef", Map.of("name", "no-such",
        "namespace", "smm-system")), "slo", Map.of("goal", "99", "calendar", Map.of("length", "week"))));
    assertThat(reconciler.reconcile("smm-demo", "latency").error())
        .isEqualTo("ServiceLevelIndicatorTemplate smm-system/no-such not found");
    slo("bad-goal", spec(Map.of(), "lots"));
    assertThat(reconciler.reconcile("smm-demo", "bad-goal").error()).contains("spec.slo.goal must be a percentage");
    assertThat(rule("slo-bad-goal")).isNull();
  }

  @Test
  void theSreControllerRendersNewSlosAndFollowsTheirPoliciesAsTheyChange() throws Exception {
    try (var sre = new StandaloneControllers(client)) {
      sre.start();
      slo("payments-availability", spec(Map.of(), "99.9"));
      Eventually.until(() -> rule("slo-payments-availability") != null, Duration.ofSeconds(20),
          "the SLO's rule is written");
      client.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.ALERTING_POLICY.apiVersion())
          .withKind(SmmCrds.ALERTING_POLICY.kind()).withNewMetadata().withName("payments-page").withNamespace("smm-demo").endMetadata()
          .addToAdditionalProperties("spec", Map.of("sloRef", Map.of("name", "payments-availability"), "severity", "page",
              "burnrate", Map.of("threshold", "10", "lookBackWindow", "30m"))).build()).create();
      // Well before the minute's resync: the policy's own event reconciles the SLO.
      Eventually.until(() -> rule("slo-payments-availability").getAdditionalProperties().get("spec").toString()
          .contains("payments-page"), Duration.ofSeconds(20), "the rule follows the new policy");
    }
  }
}
