package io.smm.operator.clusterregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code mutations.overrides}: overlay patches (operator-tools' K8SResourceOverlayPatch:
 * {@code type} replace or remove, a {@code path} of object keys, a {@code value}, parsed as YAML with
 * {@code parseValue}) whose values may be Go templates over the object and the clusters. Of Go's
 * template language this evaluates what the istio-operator's rules use — {@code .Object.GetName},
 * {@code .Object.GetNamespace}, {@code .Cluster.GetName} (the cluster the object comes from),
 * {@code .LocalCluster.GetName} and {@code printf} of them with %s — and refuses anything else
 * when the rule is read, so that no copy is made with a template half understood.
 */
final class Overrides {

  /** The names a template may use. */
  record Context(String objectName, String objectNamespace, String clusterName, String localClusterName) {
    String value(String field) {
      return switch (field) {
        case ".Object.GetName" -> objectName;
        case ".Object.GetNamespace" -> objectNamespace;
        case ".Cluster.GetName" -> clusterName;
        case ".LocalCluster.GetName" -> localClusterName;
        default -> throw new IllegalArgumentException(field);
      };
    }
  }

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern FIELD = Pattern.compile("\\.(Object|Cluster|LocalCluster)\\.(GetName|GetNamespace)");
  private static final Pattern TOKEN = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)");
  private static final Set<String> TYPES = Set.of("replace", "remove");

  private Overrides() {}

  /** Why these overrides cannot be followed, or null when they can. */
  static String problem(JsonNode overrides) {
    int i = 0;
    for (JsonNode o : overrides) {
      String type = o.path("type").asText("");
      if (!TYPES.contains(type)) {
        return "overrides[" + i + "].type " + (type.isEmpty() ? "is missing" : type + " is not replace or remove");
      }
      if (!o.path("path").asText("").startsWith("/")) {
        return "overrides[" + i + "].path must start with /";
      }
      try {
        evaluate(o.path("value").asText(""), new Context("n", "ns", "c", "l"));
      } catch (IllegalArgumentException e) {
        return "overrides[" + i + "].value: " + e.getMessage();
      }
      i++;
    }
    return null;
  }

  /** The object with the overrides applied. */
  static void apply(ObjectNode object, JsonNode overrides, Context context) {
    for (JsonNode o : overrides) {
      List<String> path = new ArrayList<>(List.of(o.path("path").asText().substring(1).split("/")));
      String last = path.remove(path.size() - 1);
      ObjectNode parent = object;
      for (String key : path) {
        parent = parent.path(key) instanceof ObjectNode child ? child : parent.putObject(key);
      }
      if ("remove".equals(o.path("type").asText())) {
        parent.remove(last);
        continue;
      }
      String value = evaluate(o.path("value").asText(""), context);
      parent.set(last, o.path("parseValue").asBoolean(false) ? Serialization.unmarshal(value, JsonNode.class) : TextNode.valueOf(value));
    }
  }

  /** A template's text with its actions evaluated. */
  static String evaluate(String template, Context context) {
    Matcher m = ACTION.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(action(m.group(1), context)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String action(String action, Context context) {
    if (FIELD.matcher(action).matches()) {
      return context.value(action);
    }
    List<String> tokens = new ArrayList<>();
    List<Boolean> quoted = new ArrayList<>();
    Matcher t = TOKEN.matcher(action);
    while (t.find()) {
      tokens.add(t.group(1) != null ? t.group(1).replace("\\\"", "\"") : t.group(2));
      quoted.add(t.group(1) != null);
    }
    if (tokens.size() < 2 || !"printf".equals(tokens.get(0)) || !quoted.get(1)) {
      throw new IllegalArgumentException("unsupported template action {{ " + action + " }} (this controller evaluates printf and "
          + ".Object/.Cluster/.LocalCluster .GetName/.GetNamespace)");
    }
    List<String> args = new ArrayList<>();
    for (int i = 2; i < tokens.size(); i++) {
      if (quoted.get(i)) {
        args.add(tokens.get(i));
      } else if (FIELD.matcher(tokens.get(i)).matches()) {
        args.add(context.value(tokens.get(i)));
      } else {
        throw new IllegalArgumentException("unsupported printf argument " + tokens.get(i) + " in {{ " + action + " }}");
      }
    }
    String format = tokens.get(1);
    if (format.replace("%s", "").contains("%")) {
      throw new IllegalArgumentException("printf format " + format + " uses more than %s");
    }
    return String.format(format, args.toArray());
  }
}
