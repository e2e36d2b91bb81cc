package io.smm.backend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same answers as Prometheus' histogram_quantile (values worked out by hand from its algorithm). */
class HistogramQuantileTest {

  static List<HistogramQuantile.Bucket> buckets(double... boundsAndCounts) {
    List<HistogramQuantile.Bucket> out = new ArrayList<>();
    for (int i = 0; i < boundsAndCounts.length; i += 2) {
      out.add(new HistogramQuantile.Bucket(boundsAndCounts[i], boundsAndCounts[i + 1]));
    }
    return out;
  }

  @Test
  void interpolatesLinearlyInsideTheBucketTheRankFallsIn() {
    var b = buckets(10, 20, 25, 60, 50, 90, 100, 100, Double.POSITIVE_INFINITY, 100);
    // rank 50 lies in (10, 25]: 10 + 15 * (50 - 20) / 40 = 21.25
    assertThat(HistogramQuantile.of(0.5, b)).isCloseTo(21.25, within(1e-9));
    // rank 95 lies in (50, 100]: 50 + 50 * (95 - 90) / 10 = 75
    assertThat(HistogramQuantile.of(0.95, b)).isCloseTo(75, within(1e-9));
    // the first bucket interpolates from 0
    assertThat(HistogramQuantile.of(0.1, b)).isCloseTo(5, within(1e-9));
  }

  @Test
  void ranksInTheInfBucketAnswerTheHighestFiniteBoundAndEmptyHistogramsNaN() {
    var b = buckets(10, 50, 100, 80, Double.POSITIVE_INFINITY, 100);
    assertThat(HistogramQuantile.of(0.99, b)).isEqualTo(100);
    assertThat(HistogramQuantile.of(0.5, buckets(10, 0, Double.POSITIVE_INFINITY, 0))).isNaN();
    assertThat(HistogramQuantile.of(0.5, buckets(10, 5))).as("no +Inf bucket").isNaN();
  }
}
