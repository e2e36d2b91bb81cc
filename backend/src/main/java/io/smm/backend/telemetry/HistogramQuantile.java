package io.smm.backend.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prometheus' histogram_quantile over cumulative bucket rates: find the bucket the rank falls in
 * and interpolate linearly inside it (the +Inf bucket answers with the highest finite bound).
 * Done here so one bucket query serves every aggregation and quantile of the topology.
 */
public final class HistogramQuantile {

  /** A cumulative bucket: upper bound (le) and rate of observations at or below it. */
  public record Bucket(double upperBound, double count) {}

  private HistogramQuantile() {}

  /** NaN when there were no observations. */
  public static double of(double q, List<Bucket> buckets) {
    List<Bucket> sorted = new ArrayList<>(buckets);
    sorted.sort(Comparator.comparingDouble(Bucket::upperBound));
    if (sorted.size() < 2 || sorted.get(sorted.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double total = sorted.get(sorted.size() - 1).count();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    for (int i = 0; i < sorted.size(); i++) {
      Bucket b = sorted.get(i);
      if (b.count() >= rank) {
        if (b.upperBound() == Double.POSITIVE_INFINITY) {
          return sorted.get(i - 1).upperBound();
        }
        double lowerBound = i == 0 ? 0 : sorted.get(i - 1).upperBound();
        double lowerCount = i == 0 ? 0 : sorted.get(i - 1).count();
        if (i == 0 && b.upperBound() <= 0) {
          return b.upperBound();
        }
        double inBucket = b.count() - lowerCount;
        return inBucket <= 0 ? b.upperBound() : lowerBound + (b.upperBound() - lowerBound) * (rank - lowerCount) / inBucket;
      }
    }
    return sorted.get(sorted.size() - 2).upperBound();
  }
}
