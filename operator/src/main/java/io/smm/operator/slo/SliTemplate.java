package io.smm.operator.slo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ServiceLevelIndicatorTemplate (sre.smm.cisco.com/v1alpha1): goodEvents and totalEvents as
 * Go-template PromQL. Rendering is strict and supports what the seed documents: {@code .Params.<name>},
 * {@code .Service.Namespace}, {@code .Service.Name}, {@code .SLO.Period}, and the
 * {@code .FloorBucket <threshold> <buckets>} / {@code .CeilBucket <threshold> <buckets>} helpers
 * for latency thresholds between histogram buckets. Anything else — an unknown parameter, a
 * missing one, other template actions — is an {@link SloException} naming it, so nothing is
 * half-generated.
 */
public record SliTemplate(String name, String namespace, String kind, String description, String goodEvents, String totalEvents,
    List<Parameter> parameters) {

  /** A template parameter; default null means the SLO must set it. */
  public record Parameter(String name, String defaultValue, String description, boolean advanced) {}

  /** What one rendering sees. */
  public record Context(String serviceNamespace, String serviceName, String period, Map<String, String> params) {}

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}", Pattern.DOTALL);

  /** Parameter values for an SLO: its own over the template's defaults; unknown or missing ones are errors. */
  public Map<String, String> resolve(Map<String, String> given) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : given.keySet()) {
      if (parameters.stream().noneMatch(p -> p.name().equals(key))) {
        throw new SloException("parameter \"" + key + "\" is not one of template " + namespace + "/" + name + "'s ("
            + String.join(", ", parameters.stream().map(Parameter::name).toList()) + ")");
      }
    }
    for (Parameter p : parameters) {
      String v = given.getOrDefault(p.name(), p.defaultValue());
      if (v == null || v.isBlank()) {
        throw new SloException("parameter \"" + p.name() + "\" of template " + namespace + "/" + name + " has no value and no default");
      }
      out.put(p.name(), v.trim());
    }
    return out;
  }

  public String good(Context c) {
    return render("goodEvents", goodEvents, c);
  }

  public String total(Context c) {
    return render("totalEvents", totalEvents, c);
  }

  String render(String field, String text, Context c) {
    if (text == null || text.isBlank()) {
      throw new SloException("template " + namespace + "/" + name + " has no " + field);
    }
    Matcher m = ACTION.matcher(text);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String before = text.substring(last, m.start());
      if (before.contains("{{") || before.contains("}}")) {
        throw syntax(field, text, last, "unbalanced braces");
      }
      out.append(before).append(evaluate(field, text, m.start(), m.group(1), c));
      last = m.end();
    }
    String rest = text.substring(last);
    if (rest.contains("{{") || rest.contains("}}")) {
      throw syntax(field, text, last, "unbalanced braces");
    }
    return out.append(rest).toString().trim();
  }

  private String evaluate(String field, String text, int at, String action, Context c) {
    List<String> words = List.of(action.trim().split("\\s+"));
    String head = words.get(0);
    if (words.size() == 1) {
      return value(field, text, at, head, c);
    }
    if (head.equals(".FloorBucket") || head.equals(".CeilBucket")) {
      if (words.size() != 3) {
        throw syntax(field, text, at, head + " takes a threshold and a bucket list, got: " + action);
      }
      double threshold = number(value(field, text, at, words.get(1), c), "threshold " + words.get(1));
      List<Double> buckets = new ArrayList<>();
      for (String b : value(field, text, at, words.get(2), c).split(",")) {
        buckets.add(number(b.trim(), "bucket \"" + b.trim() + "\" of " + words.get(2)));
      }
      buckets.sort(Double::compare);
      return head.equals(".FloorBucket") ? format(floor(threshold, buckets)) : format(ceil(threshold, buckets));
    }
    throw syntax(field, text, at, "unsupported template action {{ " + action + " }}");
  }

  private String value(String field, String text, int at, String path, Context c) {
    if (path.startsWith(".Params.")) {
      String v = c.params().get(path.substring(".Params.".length()));
      if (v == null) {
        throw new SloException(field + " of template " + namespace + "/" + name + " uses " + path + ", which is not a declared parameter");
      }
      return v;
    }
    return switch (path) {
      case ".Service.Namespace" -> c.serviceNamespace();
      case ".Service.Name" -> c.serviceName();
      case ".SLO.Period" -> c.period();
      default -> {
        if (path.startsWith("\"") && path.endsWith("\"") && path.length() >= 2) {
          yield path.substring(1, path.length() - 1);
        }
        throw syntax(field, text, at, "unknown value " + path + " (use .Params.<name>, .Service.Namespace, .Service.Name, .SLO.Period)");
      }
    };
  }

  /** The largest bucket at or below the threshold (the smallest bucket when all are above). */
  static double floor(double threshold, List<Double> buckets) {
    double out = buckets.get(0);
    for (double b : buckets) {
      if (b <= threshold) {
        out = b;
      }
    }
    return out;
  }

  /** The smallest bucket above the floor bucket, so floor and ceil never coincide (the largest when none is). */
  static double ceil(double threshold, List<Double> buckets) {
    double f = floor(threshold, buckets);
    for (double b : buckets) {
      if (b > f) {
        return b;
      }
    }
    return buckets.get(buckets.size() - 1);
  }

  /** As Prometheus writes le values: 100, 0.5, no trailing zeros. */
  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v).toLowerCase(Locale.ROOT);
  }

  private double number(String s, String what) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new SloException(what + " of template " + namespace + "/" + name + " is not a number: \"" + s + "\"");
    }
  }

  private SloException syntax(String field, String text, int at, String what) {
    int line = 1 + (int) text.substring(0, Math.min(at, text.length())).chars().filter(ch -> ch == '\n').count();
    return new SloException("template " + namespace + "/" + name + " " + field + " line " + line + ": " + what);
  }
}
