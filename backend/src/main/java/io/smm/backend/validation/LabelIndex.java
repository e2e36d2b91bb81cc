package io.smm.backend.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Label sets indexed by "key=value", so a selector is tried only against the sets carrying its rarest label. */
final class LabelIndex {

  private final List<Map<String, String>> all;
  private final Map<String, List<Map<String, String>>> byLabel = new HashMap<>();

  LabelIndex(List<Map<String, String>> labelSets) {
    this.all = labelSets;
    for (Map<String, String> labels : labelSets) {
      labels.forEach((k, v) -> byLabel.computeIfAbsent(k + "=" + v, x -> new ArrayList<>()).add(labels));
    }
  }

  /** Whether some label set contains all of {@code selector} (an empty selector selects any). */
  boolean anySelected(Map<String, String> selector) {
    List<Map<String, String>> candidates = all;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      List<Map<String, String>> withLabel = byLabel.getOrDefault(e.getKey() + "=" + e.getValue(), List.of());
      if (withLabel.size() < candidates.size()) {
        candidates = withLabel;
      }
    }
    return candidates.stream().anyMatch(labels -> MeshConfig.selects(selector, labels));
  }
}
