package io.smm.backend.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Mesh page says about the mesh's recording rules, from a real Prometheus: all of them
 * evaluated, an older set with some missing, one failing, none (a Prometheus of the user's own),
 * and a Prometheus that does not answer.
 */
class RecordingRulesStatusTest {

  static RecordingRulesStatus status(String url) {
    return new MeshOverviewService(new PrometheusClient(URI.create(url), Duration.ofSeconds(10), 4), null, null, null, Runnable::run)
        .recordingRules().join();
  }

  /** The status once it satisfies the condition (Prometheus evaluates the rules every second here). */
  static RecordingRulesStatus once(SyntheticPrometheus prometheus, Predicate<RecordingRulesStatus> condition, String what)
      throws InterruptedException {
    AtomicReference<RecordingRulesStatus> last = new AtomicReference<>();
    Eventually.until(() -> condition.test(last.updateAndGet(x -> status(prometheus.url()))), Duration.ofSeconds(30), what);
    return last.get();
  }

  @Test
  void everyRuleTheProductShipsIsEvaluated(@TempDir Path dir) throws Exception {
    try (SyntheticPrometheus prometheus = new SyntheticPrometheus().rules(MeshRecordingRules.ruleFile()).start(dir)) {
      RecordingRulesStatus s = once(prometheus, r -> r.lastEvaluation() != null, "Prometheus evaluated the rules");
      assertThat(s.group()).isEqualTo("smm-mesh-telemetry");
      assertThat(s.loaded()).isEqualTo(s.expected()).isEqualTo(MeshRecordingRules.ALL.size());
      assertThat(s.missing()).isEmpty();
      assertThat(s.failing()).isEmpty();
      assertThat(Instant.parse(s.lastEvaluation())).isAfter(Instant.now().minusSeconds(60));
      assertThat(s.evaluationSeconds()).isNotNull();
      assertThat(s.error()).isNull();
    }
  }

  @Test
  void anOlderSetLacksTheQuantilesAndABrokenRuleSaysWhy(@TempDir Path dir) throws Exception {
    long now = Instant.now().getEpochSecond();
    // A user's own copy: the base rules under a group of their own, and one quantile rule that records two series as one.
    String broken = """
        groups:
        - name: my-broken
          rules:
          - record: %s
            expr: '{__name__=~"first_gauge|second_gauge"}'
        """.formatted(MeshRecordingRules.WORKLOAD_P95.record());
    try (SyntheticPrometheus prometheus = new SyntheticPrometheus().gauge("first_gauge", Map.of(), now - 600, now + 600, 1)
        .gauge("second_gauge", Map.of(), now - 600, now + 600, 2)
        .rules(MeshRecordingRules.ruleFile(MeshRecordingRules.BASE).replace("smm-mesh-telemetry", "my-mesh")).rules(broken).start(dir)) {
      RecordingRulesStatus s = once(prometheus, r -> !r.failing().isEmpty(), "the broken rule was evaluated");
      assertThat(s.group()).as("found wherever the user put them").isEqualTo("my-mesh");
      assertThat(s.loaded()).isEqualTo(MeshRecordingRules.BASE.size() + 1);
      assertThat(s.missing()).containsExactlyElementsOf(MeshRecordingRules.DERIVED.stream().map(MeshRecordingRules.Rule::record)
          .filter(r -> !r.equals(MeshRecordingRules.WORKLOAD_P95.record())).toList());
      assertThat(s.failing()).singleElement().satisfies(f -> {
        assertThat(f.rule()).isEqualTo(MeshRecordingRules.WORKLOAD_P95.record());
        assertThat(f.error()).contains("same labelset");
      });
    }
  }

  @Test
  void aPrometheusWithoutTheRulesOrNotAnsweringSaysSo(@TempDir Path dir) throws Exception {
    try (SyntheticPrometheus prometheus = new SyntheticPrometheus().start(dir)) {
      RecordingRulesStatus s = status(prometheus.url());
      assertThat(s.loaded()).isZero();
      assertThat(s.missing()).hasSize(MeshRecordingRules.ALL.size()).first().isEqualTo(MeshRecordingRules.REQUESTS.record());
      assertThat(s.lastEvaluation()).isNull();
      assertThat(s.error()).isNull();
    }
    RecordingRulesStatus down = status("http://127.0.0.1:1/");
    assertThat(down.error()).contains("not reachable");
    assertThat(down.missing()).as("nothing is known").isEmpty();
    assertThat(List.of(down.loaded(), down.expected())).containsExactly(0, MeshRecordingRules.ALL.size());
  }
}
