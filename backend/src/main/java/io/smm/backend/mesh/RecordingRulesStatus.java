package io.smm.backend.mesh;

import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.backend.prometheus.RuleGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether Prometheus evaluates the mesh's recording rules ({@link MeshRecordingRules}, group
 * smm-mesh-telemetry), which make the topology and health fast at any mesh size: how many of them it
 * has, in whichever of its groups (a user's own Prometheus may load them under another name), which
 * are missing (not installed, or an older product version's set) and which fail, and when the group
 * last ran. Without them everything still works from the raw metrics, more slowly.
 *
 * @param error why Prometheus could not be asked (then nothing else is known)
 */
public record RecordingRulesStatus(String group, int expected, int loaded, List<String> missing, List<Failure> failing,
    String lastEvaluation, Double evaluationSeconds, String error) {

  public record Failure(String rule, String error) {}

  /** What Prometheus reports, against the rules the product ships (their recorded names are unique). */
  public static RecordingRulesStatus of(List<RuleGroup> groups) {
    Map<String, RuleGroup.Rule> found = new LinkedHashMap<>();
    RuleGroup holding = null;
    for (RuleGroup g : groups) {
      for (RuleGroup.Rule r : g.rules()) {
        if (MeshRecordingRules.ALL.stream().anyMatch(ours -> ours.record().equals(r.name()))) {
          found.putIfAbsent(r.name(), r);
          if (r.name().equals(MeshRecordingRules.REQUESTS.record())) {
            holding = g;
          }
        }
      }
    }
    List<String> missing = new ArrayList<>();
    List<Failure> failing = new ArrayList<>();
    for (MeshRecordingRules.Rule ours : MeshRecordingRules.ALL) {
      RuleGroup.Rule r = found.get(ours.record());
      if (r == null) {
        missing.add(ours.record());
      } else if (r.health().equals("err")) {
        failing.add(new Failure(r.name(), r.lastError()));
      }
    }
    return new RecordingRulesStatus(holding == null ? MeshRecordingRules.GROUP : holding.name(), MeshRecordingRules.ALL.size(),
        found.size(), missing, failing, holding == null || holding.lastEvaluation().startsWith("0001-") ? null : holding.lastEvaluation(),
        holding == null ? null : holding.evaluationSeconds(), null);
  }

  public static RecordingRulesStatus unavailable(String error) {
    return new RecordingRulesStatus(MeshRecordingRules.GROUP, MeshRecordingRules.ALL.size(), 0, List.of(), List.of(), null, null, error);
  }
}
