package io.smm.backend.health;

/**
 * Absolute error-rate thresholds, as Kiali's defaults: at or above {@code degraded} (0.1%) a
 * service is degraded, at or above {@code failure} (10%) it fails. Anomalies against the own
 * baseline need {@code anomalyZ} robust standard deviations (about 1.5% false alarms for a
 * normal signal at 3, fewer in practice since a sustained shift is needed over the window).
 */
public record HealthThresholds(double degraded, double failure, double anomalyZ, int minBaselinePoints) {
  public static final HealthThresholds DEFAULT = new HealthThresholds(0.001, 0.10, 3.0, 5);
}
