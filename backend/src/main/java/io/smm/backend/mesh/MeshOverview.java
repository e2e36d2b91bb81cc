package io.smm.backend.mesh;

import java.util.List;
import java.util.Map;

/**
 * The Overview page's numbers: golden signals of the whole mesh (NaN when Prometheus has none),
 * how much of the cluster is in the mesh, and how many services are in each health state (none
 * when health is switched off: {@code healthEnabled}).
 */
public record MeshOverview(double requestsPerSecond, double errorRatio, double p95Ms, int clusters, InMesh services, InMesh workloads,
    InMesh pods, int validationIssues, Map<String, Integer> serviceHealth, boolean healthEnabled, List<String> errors) {

  /** Of {@code total}, how many have sidecars ({@code inMesh}). */
  public record InMesh(int inMesh, int total) {}

  /** What a user who may read no namespace sees: no traffic, nothing running. */
  public static final MeshOverview NOTHING = new MeshOverview(0, 0, Double.NaN, 1, new InMesh(0, 0), new InMesh(0, 0), new InMesh(0, 0), 0,
      Map.of(), true, List.of());
}
