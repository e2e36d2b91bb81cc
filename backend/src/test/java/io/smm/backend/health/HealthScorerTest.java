package io.smm.backend.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Synthetic signals whose right answer is known. */
class HealthScorerTest {

  final HealthScorer scorer = new HealthScorer(HealthThresholds.DEFAULT);

  /** 60 minutes of a steady service: ~20 rps, P95 ~50 ms with noise. */
  static double[] noisy(double level, double noise, long seed) {
    Random r = new Random(seed);
    return Arrays.stream(new double[60]).map(x -> level + r.nextGaussian() * noise).toArray();
  }

  @Test
  void aServiceBehavingAsUsualWithoutErrorsIsHealthy() {
    HealthScore s = scorer.score(0, 20.4, 0, 52, noisy(20, 1, 1), noisy(50, 3, 2));
    assertThat(s.status()).isEqualTo(HealthScore.Status.HEALTHY);
    assertThat(s.score()).isEqualTo(1.0);
    assertThat(s.reasons()).isEmpty();
  }

  @Test
  void errorRatesAreJudgedByKialisThresholds() {
    double[] rps = noisy(20, 1, 3);
    double[] p95 = noisy(50, 3, 4);
    assertThat(scorer.score(0, 20, 0.0005, 50, rps, p95).status()).isEqualTo(HealthScore.Status.HEALTHY);
    assertThat(scorer.score(0, 20, 0.001, 50, rps, p95).status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(scorer.score(0, 20, 0.05, 50, rps, p95).status()).isEqualTo(HealthScore.Status.DEGRADED);
    HealthScore failing = scorer.score(0, 20, 0.5, 50, rps, p95);
    assertThat(failing.status()).isEqualTo(HealthScore.Status.FAILURE);
    assertThat(failing.reasons()).containsExactly("50.0% errors");
    // More errors never score better.
    assertThat(scorer.score(0, 20, 0.9, 50, rps, p95).score()).isLessThan(failing.score());
    assertThat(scorer.score(0, 20, 0.01, 50, rps, p95).score()).isGreaterThan(scorer.score(0, 20, 0.05, 50, rps, p95).score());
  }

  @Test
  void latencyFarAboveItsOwnBaselineDegradesButAFewOutliersInTheBaselineDoNotMaskIt() {
    double[] p95 = noisy(50, 3, 5);
    p95[10] = 900; // one-off spikes in the past hour barely move median and MAD
    p95[40] = 1200;
    HealthScore slow = scorer.score(0, 20, 0, 150, noisy(20, 1, 6), p95);
    assertThat(slow.status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(slow.reasons()).singleElement().asString().startsWith("P95 150 ms (usually 5");
    assertThat(scorer.score(0, 20, 0, 57, noisy(20, 1, 6), p95).status()).as("within the usual spread").isEqualTo(HealthScore.Status.HEALTHY);
  }

  @Test
  void aServiceThatIsAlwaysSlowIsNotFlaggedForIt() {
    assertThat(scorer.score(0, 20, 0, 2100, noisy(20, 1, 7), noisy(2000, 100, 8)).status()).isEqualTo(HealthScore.Status.HEALTHY);
  }

  @Test
  void trafficCollapseAndSurgeAreAnomaliesSilenceWithoutHistoryIsNot() {
    assertThat(scorer.score(0, 2, 0, 50, noisy(20, 1, 9), noisy(50, 3, 10)).status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(scorer.score(0, 0, 0, Double.NaN, noisy(20, 1, 9), noisy(50, 3, 10)).status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(scorer.score(0, 100, 0, 50, noisy(20, 1, 9), noisy(50, 3, 10)).status()).isEqualTo(HealthScore.Status.DEGRADED);
    assertThat(scorer.score(0, 0, 0, Double.NaN, new double[60], new double[60]).status()).isEqualTo(HealthScore.Status.NO_TRAFFIC);
  }

  @Test
  void withoutEnoughHistoryOnlyAbsoluteThresholdsApply() {
    assertThat(scorer.score(0, 500, 0, 5000, new double[] {1, 1}, new double[] {10, 10}).status()).isEqualTo(HealthScore.Status.HEALTHY);
    assertThat(scorer.score(0, 500, 0.2, 5000, new double[0], new double[0]).status()).isEqualTo(HealthScore.Status.FAILURE);
  }
}
