package io.smm.operator.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated rules evaluated by a real Prometheus over a request history whose error ratios are
 * known by construction (the last two hours, all at 10 requests/s): "fast" fails half of its
 * requests for the last 10 minutes, "slow" fails 0.5% all along (5x a 99.9% budget), "calm" never
 * fails. 99.9% SLOs over 30 days with the default policies.
 */
class BurnRateRulesPrometheusTest {

  @TempDir
  static Path dir;
  static SyntheticPrometheus prometheus;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final long NOW = Instant.now().getEpochSecond() / 15 * 15;
  static final long START = NOW - 7200;
  static final long SWITCH = NOW - 600;

  static Map<String, String> requests(String service, String code) {
    Map<String, String> l = new HashMap<>();
    l.put("reporter", "source");
    l.put("destination_service_namespace", "smm-demo");
    l.put("destination_service_name", service);
    l.put("request_protocol", "http");
    l.put("response_code", code);
    return l;
  }

  static Slo slo(String service) {
    return new Slo(service + "-availability", "smm-demo", service, "smm-demo", "http-requests-success-rate", "smm-system", Map.of(),
        99.9, Duration.ofDays(30), "");
  }

  @BeforeAll
  static void start() throws Exception {
    List<BurnRateRules.RuleGroup> groups = List.of("fast", "slow", "calm").stream()
        .map(s -> BurnRateRules.rules(slo(s), BuiltInSliTemplates.HTTP_SUCCESS_RATE, AlertPolicy.defaults(Duration.ofDays(30)))).toList();
    prometheus = new SyntheticPrometheus()
        .counter("istio_requests_total", requests("fast", "200"), START, SWITCH, 10, 0)
        .counter("istio_requests_total", requests("fast", "200"), SWITCH + 15, NOW, 5, 10.0 * (SWITCH - START) + 75)
        .counter("istio_requests_total", requests("fast", "503"), SWITCH, NOW, 5, 0)
        .counter("istio_requests_total", requests("slow", "200"), START, NOW, 9.95, 0)
        .counter("istio_requests_total", requests("slow", "500"), START, NOW, 0.05, 0)
        .counter("istio_requests_total", requests("calm", "200"), START, NOW, 10, 0)
        .rules(BurnRateRules.ruleFile(groups))
        .start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
  }

  static JsonNode api(String path) throws Exception {
    return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(prometheus.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body()).path("data");
  }

  /** A recorded sample: its value and the time the rule was evaluated. */
  record Recorded(double value, double evaluatedAt) {}

  /** The latest recorded value of a rule for one SLO, waiting for the first evaluation. */
  static Recorded recorded(String rule, String service) throws Exception {
    String series = rule + "{slo=\"" + service + "-availability\"}";
    String q = URLEncoder.encode(series + " or label_replace(timestamp(" + series + "), \"at\", \"1\", \"\", \"\")", StandardCharsets.UTF_8);
    for (int i = 0; i < 100; i++) {
      JsonNode r = api("/api/v1/query?query=" + q).path("result");
      if (r.size() == 2) {
        JsonNode value = r.get(0).path("metric").has("at") ? r.get(1) : r.get(0);
        JsonNode at = r.get(0).path("metric").has("at") ? r.get(0) : r.get(1);
        return new Recorded(value.path("value").get(1).asDouble(), at.path("value").get(1).asDouble());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(rule + " for " + service + " was never recorded");
  }

  /**
   * The true error ratio of "fast" over the window ending at t: 10/s good until SWITCH, then 5/s
   * good and 5/s failed. The history ends at NOW, a few seconds before the rules run; like rate(),
   * the traffic is taken to go on to the window's end when the last sample is less than 1.1
   * sample intervals (16.5 s) before it, and for half an interval otherwise (Prometheus'
   * documented extrapolation), so the truth is the traffic of [t - window, end].
   */
  static double fastTruth(double t, double window) {
    double a = t - window;
    double b = t - NOW < 16.5 ? t : NOW + 7.5;
    double failed = 5 * overlap(a, b, SWITCH, Double.MAX_VALUE);
    double good = 10 * overlap(a, b, START, SWITCH) + 5 * overlap(a, b, SWITCH, Double.MAX_VALUE);
    return failed / (failed + good);
  }

  static double overlap(double a, double b, double from, double to) {
    return Math.max(0, Math.min(b, to) - Math.max(a, from));
  }

  /** Asserts a recorded ratio of "fast" is within 1% of the truth at the moment it was evaluated. */
  static void fastWithinOnePercent(String rule, double windowSeconds) throws Exception {
    Recorded r = recorded(rule, "fast");
    double truth = fastTruth(r.evaluatedAt(), windowSeconds);
    assertThat(r.value()).as(rule + " at " + r.evaluatedAt() + " (" + (r.evaluatedAt() - NOW) + "s after the history ends)")
        .isCloseTo(truth, within(truth / 100));
  }

  @Test
  void recordedErrorRatiosAndBudgetMatchTheHistoryWithinOnePercent() throws Exception {
    // fast, at NOW: 3 000 failed of the last 10 minutes' 6 000 (0.5), of 18 000 over 30m, 36 000 over 1h, 72 000 over the 2h
    // history, which is all that the 6h .. 30d windows see. Evaluated a few seconds later, so compared with the truth then.
    fastWithinOnePercent("smm_slo:sli_error:ratio_rate5m", 300);
    fastWithinOnePercent("smm_slo:sli_error:ratio_rate30m", 1800);
    fastWithinOnePercent("smm_slo:sli_error:ratio_rate1h", 3600);
    fastWithinOnePercent("smm_slo:sli_error:ratio_rate2h", 7200);
    fastWithinOnePercent("smm_slo:sli_error:ratio_rate3d", 3 * 86400);
    fastWithinOnePercent("smm_slo:sli_error:ratio_period", 30 * 86400);
    Recorded budget = recorded("smm_slo:error_budget_remaining:ratio", "fast");
    double fastBudget = 1 - fastTruth(budget.evaluatedAt(), 30 * 86400) / 0.001;
    assertThat(budget.value()).isCloseTo(fastBudget, within(Math.abs(fastBudget) / 100));
    // About 40 budgets overspent at NOW; up to 16.5 s of extrapolated failing traffic add at most ~1.05 more.
    assertThat(fastBudget).as("about 40 budgets overspent").isCloseTo(1 - 3000.0 / 72000 / 0.001, within(1.5));
    for (String window : List.of("5m", "1h", "6h", "3d")) {
      assertThat(recorded("smm_slo:sli_error:ratio_rate" + window, "slow").value()).as(window).isCloseTo(0.005, within(0.00005));
    }
    assertThat(recorded("smm_slo:error_budget_remaining:ratio", "slow").value()).isCloseTo(-4, within(0.04));
    assertThat(recorded("smm_slo:sli_error:ratio_rate1h", "calm").value()).isZero();
    assertThat(recorded("smm_slo:error_budget_remaining:ratio", "calm").value()).isEqualTo(1);
    assertThat(recorded("smm_slo:objective:ratio", "calm").value()).isEqualTo(0.999);
  }

  @Test
  void exactlyTheExpectedBurnRateAlertsAreActive() throws Exception {
    Set<String> expected = Set.of("fast-availability/page-fast-burn", "fast-availability/page-slow-burn",
        "fast-availability/ticket-fast-burn", "fast-availability/ticket-slow-burn",
        // 5x the budget: too slow to page (above 6x or 14.4x), fast enough for both tickets (3x, 1x).
        "slow-availability/ticket-fast-burn", "slow-availability/ticket-slow-burn");
    Set<String> active = new TreeSet<>();
    for (int i = 0; i < 100 && !active.equals(expected); i++) {
      Thread.sleep(100);
      active.clear();
      for (JsonNode a : api("/api/v1/alerts").path("alerts")) {
        assertThat(a.path("labels").path("alertname").asText()).isEqualTo("SLOErrorBudgetBurn");
        // Pending: each policy alerts only after its conditionMetDuration (2m .. 3h) of burning.
        assertThat(a.path("state").asText()).isIn("pending", "firing");
        active.add(a.path("labels").path("slo").asText() + "/" + a.path("labels").path("policy").asText());
      }
    }
    assertThat(active).isEqualTo(expected);
  }
}
