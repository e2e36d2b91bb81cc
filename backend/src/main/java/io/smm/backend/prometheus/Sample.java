package io.smm.backend.prometheus;

import java.util.Map;

/** One series of an instant vector: its labels and value. */
public record Sample(Map<String, String> labels, double value) {

  public String label(String name) {
    return labels.getOrDefault(name, "");
  }
}
