package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Arguments read and checked: a bad one is refused with BAD_USER_INPUT (an IllegalArgumentException) naming it. */
final class Arguments {

  private Arguments() {}

  /** An Int argument, refused outside [min, max]. */
  static int between(DataFetchingEnvironment env, String name, int min, int max) {
    int value = env.<Integer>getArgument(name);
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
    }
    return value;
  }

  /** [LabelInput!] as a map; none when the argument was left out. */
  static Map<String, String> labels(List<Map<String, String>> labels) {
    Map<String, String> out = new LinkedHashMap<>();
    if (labels != null) {
      labels.forEach(l -> out.put(l.get("key"), l.get("value")));
    }
    return out;
  }

  /** An RFC 3339 instant; null when left out. */
  static Instant instant(String text, String argument) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(argument + " must be an RFC 3339 instant like 2026-11-25T14:00:00Z, not \"" + text + "\"");
    }
  }

  /** Seconds in [1, 86400]; {@code fallback} when left out. */
  static Duration seconds(Integer value, int fallback, String argument) {
    int v = value == null ? fallback : value;
    if (v < 1 || v > 86_400) {
      throw new IllegalArgumentException(argument + " must be between 1 and 86400");
    }
    return Duration.ofSeconds(v);
  }

  /** end (default now), rangeSeconds, stepSeconds, windowSeconds of a time-series query, checked. */
  record TimeSeries(Instant end, Duration range, Duration step, Duration window) {
    static TimeSeries of(DataFetchingEnvironment env) {
      Instant end = instant(env.getArgument("end"), "end");
      Duration range = seconds(env.getArgument("rangeSeconds"), 1800, "rangeSeconds");
      Duration step = seconds(env.getArgument("stepSeconds"), 60, "stepSeconds");
      Duration window = seconds(env.getArgument("windowSeconds"), 60, "windowSeconds");
      if (range.toSeconds() / step.toSeconds() > 1440) {
        throw new IllegalArgumentException("rangeSeconds / stepSeconds must be at most 1440 points");
      }
      return new TimeSeries(end == null ? Instant.now() : end, range, step, window);
    }
  }
}
