package io.smm.api.controlplane;

import java.util.Locale;

/**
 * Cluster names become Kubernetes object names and label values: the seed's conversion turns
 * "_", "." and ":" into "-", and the result is a DNS-1123 label of at most 63 characters.
 */
public final class ClusterNames {

  public static final int MAX_LENGTH = 63;

  private ClusterNames() {}

  public static String convert(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("cannot determine cluster name: it is empty");
    }
    String converted = name.trim().toLowerCase(Locale.ROOT)
        .replaceAll("[_.:]", "-")
        .replaceAll("[^a-z0-9-]", "-");
    if (converted.length() > MAX_LENGTH) {
      converted = converted.substring(0, MAX_LENGTH);
    }
    converted = converted.replaceAll("^-+", "").replaceAll("-+$", "");
    if (converted.isEmpty()) {
      throw new IllegalArgumentException("cannot determine cluster name: \"" + name + "\" has no usable characters");
    }
    return converted;
  }
}
