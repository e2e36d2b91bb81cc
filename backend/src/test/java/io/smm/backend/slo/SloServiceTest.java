package io.smm.backend.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SLOs as the API shows them: Kubernetes' resources joined with what Prometheus recorded for them; creation checked before writing. */
class SloServiceTest {

  @TempDir
  static Path dir;
  static EmbeddedApiServer api;
  static KubernetesClient client;
  static SyntheticPrometheus prometheus;
  static SloService service;
  static final long NOW = Instant.now().getEpochSecond() / 15 * 15;

  static Map<String, String> slo(String... more) {
    Map<String, String> l = new HashMap<>(Map.of("slo", "payments-availability", "namespace", "smm-demo", "service", "payments",
        "service_namespace", "smm-demo"));
    for (int i = 0; i < more.length; i += 2) {
      l.put(more[i], more[i + 1]);
    }
    return l;
  }

  @BeforeAll
  static void start() throws Exception {
    prometheus = new SyntheticPrometheus()
        .gauge("smm_slo:sli_error:ratio_rate5m", slo(), NOW - 600, NOW, 0.0288)
        .gauge("smm_slo:sli_error:ratio_rate1h", slo(), NOW - 600, NOW, 0.0144)
        .gauge("smm_slo:sli_error:ratio_period", slo(), NOW - 600, NOW, 0.004)
        .gauge("smm_slo:error_budget_remaining:ratio", slo(), NOW - 600, NOW, -3)
        // An SLO recorded for 5 hours: its coverage is looked up over the whole window, to the hour.
        .gauge("smm_slo:sli_error:ratio_period", Map.of("slo", "bookings-availability", "namespace", "smm-demo", "service", "bookings",
            "service_namespace", "smm-demo"), NOW - 5 * 3600, NOW, 0.001)
        .gauge("ALERTS", slo("alertname", "SLOErrorBudgetBurn", "alertstate", "firing", "policy", "page-fast-burn", "severity", "page"),
            NOW - 600, NOW, 1)
        .start(dir);
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    for (var kind : List.of(SmmCrds.SLI_TEMPLATE, SmmCrds.SERVICE_LEVEL_OBJECTIVE, SmmCrds.ALERTING_POLICY)) {
      client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(kind)).create();
    }
    for (String ns : List.of("smm-system", "smm-demo")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    client.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.SLI_TEMPLATE.apiVersion())
        .withKind(SmmCrds.SLI_TEMPLATE.kind()).withNewMetadata().withName("http-requests-success-rate").withNamespace("smm-system")
        .endMetadata().addToAdditionalProperties("spec", Map.of("kind", "availability", "description", "non-5xx share",
            "parameters", List.of(Map.of("name", "reporter", "default", "source", "description", "")))).build()).create();
    service = new SloService(client, new PrometheusClient(URI.create(prometheus.url()), Duration.ofSeconds(10), 4),
        ForkJoinPool.commonPool());
    service.create(new SloService.NewSlo("smm-demo", "payments-availability", "payments", "http-requests-success-rate", "smm-system",
        Map.of("reporter", "destination"), "99.9", "rolling", "30d", "payments answers"));
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
    client.close();
    api.close();
  }

  @Test
  void anSloCarriesItsBurnRatesBudgetComplianceAndAlertsFromPrometheus() {
    List<SloInfo> slos = service.slos("smm-demo", "payments").join();
    assertThat(slos).hasSize(1);
    SloInfo s = slos.get(0);
    assertThat(s.goalPercent()).isEqualTo(99.9);
    assertThat(s.parameters()).containsEntry("reporter", "destination");
    assertThat(s.burnRates()).containsOnlyKeys("5m", "1h");
    assertThat(s.burnRates().get("5m")).isCloseTo(28.8, within(1e-6));
    assertThat(s.currentBurnRate()).as("the 1h window's").isCloseTo(14.4, within(1e-6));
    assertThat(s.budgetConsumed()).as("1 - (-3): four budgets").isCloseTo(4, within(1e-9));
    assertThat(s.compliance()).isCloseTo(0.996, within(1e-9));
    assertThat(s.alerts()).containsExactly(new SloInfo.Alert("page-fast-burn", "page", "firing"));
    assertThat(s.status()).as("not reconciled yet").isEqualTo("Pending");
    // Recorded for the last 10 minutes of a 30-day window: the budget is an extrapolation, and says so.
    assertThat(s.periodSeconds()).isEqualTo(30 * 86400);
    assertThat(s.dataSeconds()).isBetween(500.0, 720.0);
    assertThat(s.dataSeconds()).as("less data than the period").isLessThan(s.periodSeconds() * 0.99);
    assertThat(service.slos("smm-demo", "catalog").join()).isEmpty();
    assertThat(service.summary().join()).isEqualTo(new SloService.Summary(1, 1, 1, 0, 0));
  }

  @Test
  void anSloRecordedForHoursNamesItsDataToTheHour() {
    service.create(new SloService.NewSlo("smm-demo", "bookings-availability", "bookings", "http-requests-success-rate", "smm-system",
        Map.of("reporter", "destination"), "99.9", "rolling", "30d", ""));
    SloInfo s = service.slos("smm-demo", "bookings").join().get(0);
    assertThat(s.dataSeconds()).isBetween(4 * 3600.0, 5 * 3600.0 + 60);
    assertThat(s.compliance()).isCloseTo(0.999, within(1e-9));
  }

  @Test
  void aCalendarSloIsWrittenWithItsCalendarLength() {
    service.create(new SloService.NewSlo("smm-demo", "payments-weekly", "payments", "http-requests-success-rate", "smm-system",
        Map.of("reporter", "source"), "99", "calendar", "week", ""));
    try {
      SloInfo weekly = service.slos("smm-demo", "payments").join().stream().filter(x -> x.name().equals("payments-weekly")).findFirst()
          .orElseThrow();
      assertThat(weekly.period()).isEqualTo("week");
      assertThat(weekly.periodSeconds()).isEqualTo(7 * 86400);
      assertThat(weekly.parameters()).containsEntry("reporter", "source");
    } finally {
      service.delete("smm-demo", "payments-weekly");
    }
  }

  @Test
  void theSeriesAreBurnRatesPerWindowAndBudgetOverTime() {
    SloService.Series series = service.series("smm-demo", "payments-availability", Duration.ofMinutes(8), Duration.ofMinutes(2)).join();
    assertThat(series.burnRates()).containsOnlyKeys("5m", "1h");
    assertThat(series.burnRates().get("1h")).isNotEmpty().allSatisfy(p -> assertThat(p.value()).isCloseTo(14.4, within(1e-6)));
    assertThat(series.budgetRemaining()).isNotEmpty().allSatisfy(p -> assertThat(p.value()).isEqualTo(-3));
    assertThatThrownBy(() -> service.series("smm-demo", "nope", Duration.ofMinutes(8), Duration.ofMinutes(2)).join())
        .hasMessageContaining("there is no SLO smm-demo/nope");
  }

  @Test
  void creatingRefusesWhatCannotWorkAndWritesNothing() {
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "http-requests-success-rate", "smm-system",
        Map.of(), "100", "rolling", "30d", ""))).hasMessageContaining("goal must be a percentage above 0 and below 100");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "nope", "smm-system", Map.of(), "99",
        "rolling", "30d", ""))).hasMessageContaining("there is no ServiceLevelIndicatorTemplate smm-system/nope");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "http-requests-success-rate", "smm-system",
        Map.of("treshold", "1"), "99", "rolling", "30d", ""))).hasMessageContaining("has no parameter \"treshold\"");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "http-requests-success-rate", "smm-system",
        Map.of(), "99", "rolling", "a month", ""))).hasMessageContaining("period must be a duration");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "http-requests-success-rate", "smm-system",
        Map.of(), "99", "calendar", "fortnight", ""))).hasMessageContaining("a calendar window is a month, week or day");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "x", "payments", "http-requests-success-rate", "smm-system",
        Map.of(), "99", "sliding", "30d", ""))).hasMessageContaining("window type must be rolling or calendar");
    assertThatThrownBy(() -> service.create(new SloService.NewSlo("smm-demo", "payments-availability", "payments",
        "http-requests-success-rate", "smm-system", Map.of(), "99", "rolling", "30d", ""))).hasMessageContaining("already exists");
    assertThat(service.slos("smm-demo", null).join()).extracting(SloInfo::name).contains("payments-availability").doesNotContain("x");
    assertThat(service.templates()).extracting(SloService.SliTemplate::name).containsExactly("http-requests-success-rate");
  }

  @Test
  void alertingPoliciesAreCheckedBeforeTheyAreWritten() {
    SloService.NewPolicy ok = new SloService.NewPolicy("smm-demo", "payments-page", "payments-availability", "page", "14.4", "1h", "5m",
        "2m");
    assertThatThrownBy(() -> service.createPolicy(new SloService.NewPolicy("smm-demo", "p", "payments-availability", "email", "1", "1h",
        null, null))).hasMessageContaining("severity must be page or ticket");
    assertThatThrownBy(() -> service.createPolicy(new SloService.NewPolicy("smm-demo", "p", "payments-availability", "page", "fast",
        "1h", null, null))).hasMessageContaining("threshold must be a positive burn rate");
    assertThatThrownBy(() -> service.createPolicy(new SloService.NewPolicy("smm-demo", "p", "payments-availability", "page", "2", "5m",
        "1h", null))).hasMessageContaining("secondaryWindow must be shorter");
    assertThatThrownBy(() -> service.createPolicy(new SloService.NewPolicy("smm-demo", "p", "nope", "page", "2", "1h", null, null)))
        .hasMessageContaining("there is no SLO smm-demo/nope");
    SloInfo.Alert created = service.createPolicy(ok);
    assertThat(created.threshold()).isEqualTo(14.4);
    assertThatThrownBy(() -> service.createPolicy(ok)).hasMessageContaining("already exists");
    assertThat(client.genericKubernetesResources(SmmCrds.ALERTING_POLICY.apiVersion(), SmmCrds.ALERTING_POLICY.kind())
        .inNamespace("smm-demo").list().getItems()).hasSize(1);
    assertThat(service.deletePolicy("smm-demo", "payments-page")).isTrue();
    assertThat(service.deletePolicy("smm-demo", "payments-page")).isFalse();
  }
}
