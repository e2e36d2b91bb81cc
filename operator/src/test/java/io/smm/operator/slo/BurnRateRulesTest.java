package io.smm.operator.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules generated for fixture SLOs: shared windows, stable names, and what promtool thinks of them. */
class BurnRateRulesTest {

  static Slo slo(String template, Map<String, String> params, double goal, Duration period) {
    return new Slo("payments-availability", "smm-demo", "payments", "smm-demo", template, "smm-system", params, goal, period, "");
  }

  @Test
  void defaultPoliciesShareWindowsAndEveryRuleIsNamedAndLabelledStably() {
    Slo slo = slo("http-requests-success-rate", Map.of(), 99.9, Duration.ofDays(30));
    var group = BurnRateRules.rules(slo, BuiltInSliTemplates.HTTP_SUCCESS_RATE, AlertPolicy.defaults(slo.period()));
    assertThat(group.name()).isEqualTo("smm-slo-smm-demo-payments-availability");
    assertThat(group.rules()).extracting(r -> r.record() != null ? r.record() : r.alert() + "/" + r.labels().get("policy")).containsExactly(
        "smm_slo:sli_error:ratio_rate5m", "smm_slo:sli_error:ratio_rate30m", "smm_slo:sli_error:ratio_rate1h",
        "smm_slo:sli_error:ratio_rate2h", "smm_slo:sli_error:ratio_rate6h", "smm_slo:sli_error:ratio_rate1d",
        "smm_slo:sli_error:ratio_rate3d", "smm_slo:sli_error:ratio_period", "smm_slo:objective:ratio",
        "smm_slo:error_budget_remaining:ratio", "SLOErrorBudgetBurn/page-fast-burn", "SLOErrorBudgetBurn/page-slow-burn",
        "SLOErrorBudgetBurn/ticket-fast-burn", "SLOErrorBudgetBurn/ticket-slow-burn");
    var fast = group.rules().get(10);
    assertThat(fast.expr()).isEqualTo("smm_slo:sli_error:ratio_rate1h{slo=\"payments-availability\",namespace=\"smm-demo\"} > (14.4 * 0.001)"
        + "\nand\nsmm_slo:sli_error:ratio_rate5m{slo=\"payments-availability\",namespace=\"smm-demo\"} > (14.4 * 0.001)");
    assertThat(fast.forDuration()).isEqualTo("2m");
    assertThat(fast.labels()).containsEntry("severity", "page").containsEntry("service", "payments").containsEntry("slo", "payments-availability")
        .containsEntry("namespace", "smm-demo");
    assertThat(group.rules().get(7).expr()).contains("[30d]");
  }

  @Test
  void defaultWindowsScaleWithThePeriod() {
    assertThat(AlertPolicy.defaults(Duration.ofDays(7))).extracting(p -> PrometheusDurations.format(p.lookBackWindow()) + "/"
        + PrometheusDurations.format(p.secondaryWindow())).containsExactly("14m/1m", "84m/7m", "336m/28m", "1008m/84m");
    assertThat(PrometheusDurations.parse("336h0m0s")).isEqualTo(Duration.ofDays(14));
    assertThatThrownBy(() -> PrometheusDurations.parse("two weeks")).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> slo("t", Map.of(), 100, Duration.ofDays(1))).hasMessageContaining("below 100");
    assertThatThrownBy(() -> new AlertPolicy("p", "email", 1, Duration.ofHours(1), null, Duration.ZERO)).hasMessageContaining("page or ticket");
  }

  @Test
  void generatedRulesPassPromtool(@TempDir Path dir) throws Exception {
    List<BurnRateRules.RuleGroup> groups = List.of(
        BurnRateRules.rules(slo("http-requests-success-rate", Map.of(), 99.9, Duration.ofDays(30)), BuiltInSliTemplates.HTTP_SUCCESS_RATE,
            AlertPolicy.defaults(Duration.ofDays(30))),
        BurnRateRules.rules(new Slo("catalog-latency", "smm-demo", "catalog", "smm-demo", "http-requests-duration", "smm-system",
            Map.of("threshold", "150"), 99, Duration.ofDays(7), ""), BuiltInSliTemplates.HTTP_DURATION, AlertPolicy.defaults(Duration.ofDays(7))),
        BurnRateRules.rules(new Slo("movies-grpc", "smm-demo", "movies", "smm-demo", "grpc-requests-success-rate", "smm-system", Map.of(),
            99.5, Duration.ofDays(1), ""), BuiltInSliTemplates.GRPC_SUCCESS_RATE, AlertPolicy.defaults(Duration.ofDays(1))));
    Path file = dir.resolve("slo-rules.yml");
    Files.writeString(file, BurnRateRules.ruleFile(groups));
    Process p = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out + "\n" + Files.readString(file)).isZero();
    // 14 + 14 + 13: scaled to one day, the 6h window of two policies becomes the same 12m and is recorded once.
    assertThat(out).contains("SUCCESS: 41 rules found");
  }
}
