package io.smm.backend.health;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Zero-configuration health (see the module README for the method): each signal's current value
 * is judged against absolute error thresholds and against its own recent baseline (median and
 * median absolute deviation of the preceding points, which a few outliers cannot move). The score
 * is the lowest of the signal scores: errors can fail a service, unusual latency or traffic
 * degrade it.
 */
public final class HealthScorer {

  /** Consistency constant: 1.4826 x MAD estimates the standard deviation of normally distributed data. */
  static final double MAD_TO_SIGMA = 1.4826;

  private final HealthThresholds thresholds;

  public HealthScorer(HealthThresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * @param baselineRps, baselineP95 the same signals at earlier steps (NaN entries are skipped)
   */
  public HealthScore score(long epochSecond, double rps, double errorRatio, double p95, double[] baselineRps, double[] baselineP95) {
    return score(epochSecond, rps, errorRatio, p95, Double.NaN, baselineRps, baselineP95, new double[0]);
  }

  /** @param cpu CPU cores the node's pods use now (NaN when unknown), judged against baselineCpu */
  public HealthScore score(long epochSecond, double rps, double errorRatio, double p95, double cpu, double[] baselineRps,
      double[] baselineP95, double[] baselineCpu) {
    List<String> reasons = new ArrayList<>();
    double[] rpsBase = finite(baselineRps);
    double[] p95Base = finite(baselineP95);
    if (!(rps > 0)) {
      double usual = rpsBase.length >= thresholds.minBaselinePoints() ? median(rpsBase) : 0;
      if (usual > 0.05) {
        reasons.add(String.format("no traffic (usually %.2f rps)", usual));
        return new HealthScore(epochSecond, 0.5, HealthScore.Status.DEGRADED, 0, 0, Double.NaN, reasons);
      }
      return new HealthScore(epochSecond, 1, HealthScore.Status.NO_TRAFFIC, 0, 0, Double.NaN, reasons);
    }
    double errors = errorScore(errorRatio, reasons);
    double latency = p95Base.length >= thresholds.minBaselinePoints() && Double.isFinite(p95)
        ? latencyScore(p95, p95Base, reasons) : 1;
    double traffic = rpsBase.length >= thresholds.minBaselinePoints() ? trafficScore(rps, rpsBase, reasons) : 1;
    double[] cpuBase = finite(baselineCpu);
    double saturation = cpuBase.length >= thresholds.minBaselinePoints() && Double.isFinite(cpu)
        ? saturationScore(cpu, cpuBase, reasons) : 1;
    double score = Math.min(Math.min(errors, saturation), Math.min(latency, traffic));
    HealthScore.Status status = score >= 0.8 ? HealthScore.Status.HEALTHY : score >= 0.4 ? HealthScore.Status.DEGRADED
        : HealthScore.Status.FAILURE;
    return new HealthScore(epochSecond, score, status, rps, errorRatio, p95, reasons);
  }

  /** 1 below the degraded threshold, 0.75..0.4 (log scale) up to the failure threshold, below 0.4 above it. */
  double errorScore(double ratio, List<String> reasons) {
    if (!(ratio >= thresholds.degraded())) {
      return 1;
    }
    reasons.add(String.format("%.1f%% errors", ratio * 100));
    if (ratio < thresholds.failure()) {
      double position = Math.log(ratio / thresholds.degraded()) / Math.log(thresholds.failure() / thresholds.degraded());
      return 0.75 - 0.35 * position;
    }
    return 0.35 * (1 - Math.min(1, (ratio - thresholds.failure()) / (1 - thresholds.failure())));
  }

  /** Slower than usual by more than anomalyZ robust deviations: degraded, never failed, by latency alone. */
  double latencyScore(double p95, double[] baseline, List<String> reasons) {
    double median = median(baseline);
    double z = (p95 - median) / spread(baseline, median);
    if (z <= thresholds.anomalyZ()) {
      return 1;
    }
    reasons.add(String.format("P95 %.0f ms (usually %.0f ms)", p95, median));
    return Math.max(0.4, 0.75 - 0.05 * (z - thresholds.anomalyZ()));
  }

  /** A collapse (below a fifth of usual) or a surge (anomalyZ deviations and 3x usual) of traffic. */
  double trafficScore(double rps, double[] baseline, List<String> reasons) {
    double median = median(baseline);
    if (median > 0.05 && rps < median / 5) {
      reasons.add(String.format("traffic dropped to %.2f rps (usually %.2f)", rps, median));
      return 0.6;
    }
    double z = (rps - median) / spread(baseline, median);
    if (z > thresholds.anomalyZ() && rps > 3 * median) {
      reasons.add(String.format("traffic surge %.1f rps (usually %.1f)", rps, median));
      return 0.7;
    }
    return 1;
  }

  /**
   * CPU well above usual (anomalyZ deviations and twice the median, and above a tenth of a core so
   * a small pod's noise is not an anomaly): degraded, as a saturating pod is about to get slow.
   */
  double saturationScore(double cpu, double[] baseline, List<String> reasons) {
    double median = median(baseline);
    double z = (cpu - median) / spread(baseline, median);
    if (z > thresholds.anomalyZ() && cpu > 2 * median && cpu > 0.1) {
      reasons.add(String.format("CPU %.2f cores (usually %.2f)", cpu, median));
      return 0.7;
    }
    return 1;
  }

  /** Robust sigma, floored at 10% of the median so a perfectly flat baseline does not make any wiggle an anomaly. */
  static double spread(double[] values, double median) {
    double[] deviations = Arrays.stream(values).map(v -> Math.abs(v - median)).toArray();
    return Math.max(MAD_TO_SIGMA * median(deviations), Math.max(0.1 * Math.abs(median), 1e-9));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double[] finite(double[] values) {
    return values == null ? new double[0] : Arrays.stream(values).filter(Double::isFinite).toArray();
  }
}
