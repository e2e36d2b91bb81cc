package io.smm.backend.prometheus;

import java.util.List;
import java.util.Map;

/** One series of a range query: its labels and points in time order. */
public record Series(Map<String, String> labels, List<Point> points) {

  /** A value at a time (epoch seconds). */
  public record Point(long epochSecond, double value) {}
}
