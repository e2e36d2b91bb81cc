package io.smm.sandbox.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Prometheus' text exposition in tests: the sum of a metric's series whose labels include the given ones. */
public final class Exposition {

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private Exposition() {}

  public static double sum(String text, String metric, Map<String, String> labels) {
    double total = 0;
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches() || !m.group(1).equals(metric)) {
        continue;
      }
      if (labels(m.group(2)).entrySet().containsAll(labels.entrySet())) {
        total += Double.parseDouble(m.group(3));
      }
    }
    return total;
  }

  public static Map<String, String> labels(String inner) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher l = LABEL.matcher(inner);
    while (l.find()) {
      out.put(l.group(1), l.group(2));
    }
    return out;
  }
}
