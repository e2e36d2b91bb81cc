package io.smm.sandbox.envoy;

/** Istio's protobuf durations ("1.5s", "100ms") in milliseconds. */
public final class Durations {

  private Durations() {}

  static long millis(String istioDuration) {
    String d = istioDuration.trim();
    try {
      if (d.endsWith("ms")) {
        return Math.round(Double.parseDouble(d.substring(0, d.length() - 2)));
      }
      if (d.endsWith("s")) {
        return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 1000);
      }
      if (d.endsWith("m")) {
        return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 60_000);
      }
      if (d.endsWith("h")) {
        return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 3_600_000);
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException("unsupported duration \"" + istioDuration + "\"");
  }
}
