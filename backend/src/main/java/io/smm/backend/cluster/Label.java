package io.smm.backend.cluster;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A Kubernetes label (or any key/value pair the API returns as a list of them). */
public record Label(String key, String value) {

  /** The pairs of a map, sorted by key (null = none). */
  public static List<Label> sorted(Map<String, String> map) {
    return map == null ? List.of() : of(new TreeMap<>(map));
  }

  /** The pairs of a map in its own order. */
  public static List<Label> of(Map<String, String> map) {
    return map.entrySet().stream().map(e -> new Label(e.getKey(), e.getValue())).toList();
  }
}
