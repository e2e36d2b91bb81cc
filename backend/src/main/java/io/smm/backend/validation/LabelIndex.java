package io.smm.backend.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Things with labels (pods, label sets) indexed by "key=value", so a selector is tried only against
 * those carrying its rarest label: a mesh-wide lookup per selector stays cheap.
 */
final class LabelIndex<T> {

  private final List<T> all;
  private final Function<T, Map<String, String>> labels;
  private final Map<String, List<T>> byLabel = new HashMap<>();

  LabelIndex(List<T> items, Function<T, Map<String, String>> labels) {
    this.all = items;
    this.labels = labels;
    for (T item : items) {
      labels.apply(item).forEach((k, v) -> byLabel.computeIfAbsent(k + "=" + v, x -> new ArrayList<>()).add(item));
    }
  }

  /** The only items {@code selector} can select: those with its rarest label (all items for an empty selector). */
  List<T> candidates(Map<String, String> selector) {
    List<T> candidates = all;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      List<T> withLabel = byLabel.getOrDefault(e.getKey() + "=" + e.getValue(), List.of());
      if (withLabel.size() < candidates.size()) {
        candidates = withLabel;
      }
    }
    return candidates;
  }

  /** Whether {@code selector} selects any item. */
  boolean anySelected(Map<String, String> selector) {
    return candidates(selector).stream().anyMatch(i -> MeshConfig.selects(selector, labels.apply(i)));
  }
}
