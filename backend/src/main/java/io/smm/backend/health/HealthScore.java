package io.smm.backend.health;

import io.smm.backend.telemetry.TimePoint;
import java.util.List;

/**
 * Health of a service or workload at one time step: a score in [0,1] (1 = behaves as usual and
 * without errors), the status derived from it, and the reasons that lowered it.
 */
public record HealthScore(long epochSecond, double score, Status status, double requestsPerSecond, double errorRatio, double p95Ms,
    List<String> reasons) implements TimePoint {

  public enum Status { HEALTHY, DEGRADED, FAILURE, NO_TRAFFIC }
}
