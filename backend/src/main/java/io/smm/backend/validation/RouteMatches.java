package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Istio's analysis of a VirtualService's route order (pkg/config/validation, reported as IST0130
 * VirtualServiceUnreachableRule and IST0131 VirtualServiceIneffectiveMatch): a rule after one
 * without matches, a rule all of whose matches came before, a match equal to an earlier one, and
 * an HTTP URI prefix match covered by an earlier, shorter prefix with the same other conditions.
 */
final class RouteMatches {

  private RouteMatches() {}

  /** Reports unreachable rules ({@code unreachable}) or ineffective matches (otherwise) of every VirtualService. */
  static void analyze(MeshConfig mesh, Check.Reporter report, boolean unreachable) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (String section : List.of("http", "tcp", "tls")) {
        JsonNode routes = vs.spec().path(section);
        Sink sink = new Sink(vs, section, report, unreachable);
        List<PrefixMatch> prefixes = new ArrayList<>();
        Map<JsonNode, Integer> seen = new HashMap<>();
        int catchAll = -1;
        for (int rule = 0; rule < routes.size(); rule++) {
          JsonNode route = routes.get(rule);
          JsonNode matches = route.path("match");
          if (matches.isEmpty()) {
            if (catchAll >= 0) {
              sink.unreachable(rule, routeName(section, route, rule), "only the last rule can have no matches");
            }
            catchAll = rule;
            continue;
          }
          int duplicates = 0;
          for (int m = 0; m < matches.size(); m++) {
            JsonNode match = matches.get(m);
            if (catchAll >= 0) {
              sink.unreachable(rule, routeName(section, route, rule), "route without matches defined before");
              continue;
            }
            // Jackson's object nodes compare and hash by their fields, in any order: key order in the YAML does not matter.
            JsonNode key = withoutName(match);
            Integer earlier = seen.get(key);
            if (earlier != null) {
              sink.ineffective(rule, m, routeName(section, route, rule), matchName(section, match, m),
                  routeName(section, routes.get(earlier), earlier));
              duplicates++;
              continue;
            }
            seen.put(key, rule);
            if (section.equals("http")) {
              PrefixMatch p = PrefixMatch.of(routeName(section, route, rule), matchName(section, match, m), rule, m, match);
              if (p != null) {
                prefixes.add(p);
              }
            }
          }
          if (duplicates == matches.size()) {
            sink.unreachable(rule, routeName(section, route, rule), "all matches used by prior rules");
          }
        }
        for (int a = 0; a < prefixes.size(); a++) {
          for (int b = a + 1; b < prefixes.size(); b++) {
            PrefixMatch first = prefixes.get(a);
            PrefixMatch later = prefixes.get(b);
            if (!later.prefix().equals(first.prefix()) && first.covers(later)) {
              sink.ineffective(later.rule(), later.match(), later.routeName(), later.matchName() + " of prefix " + later.prefix(),
                  first.matchName() + " of prefix " + first.prefix() + " on " + first.routeName());
            }
          }
        }
      }
    }
  }

  /** Reports one kind of finding, the other kind's calls are dropped (two checks share the walk). */
  private record Sink(KubeObject vs, String section, Check.Reporter report, boolean unreachable) {
    void unreachable(int rule, String ruleName, String reason) {
      if (unreachable) {
        report.problem(vs, "spec." + section + "[" + rule + "]", "VirtualService rule " + ruleName + " not used (" + reason + ").",
            Map.of("rule", ruleName, "reason", reason));
      }
    }

    void ineffective(int rule, int match, String ruleName, String matchName, String duplicateOf) {
      if (!unreachable) {
        report.problem(vs, "spec." + section + "[" + rule + "].match[" + match + "]", "VirtualService rule " + ruleName + " match "
            + matchName + " is not used (duplicate/overlapping match in rule " + duplicateOf + ").", Map.of("rule", ruleName,
            "duplicateOf", duplicateOf));
      }
    }
  }

  private static String routeName(String section, JsonNode route, int index) {
    String name = route.path("name").asText("");
    return section.equals("http") && !name.isEmpty() ? "\"" + name + "\"" : "#" + index;
  }

  private static String matchName(String section, JsonNode match, int index) {
    String name = match.path("name").asText("");
    return section.equals("http") && !name.isEmpty() ? "\"" + name + "\"" : "#" + index;
  }

  private static JsonNode withoutName(JsonNode match) {
    if (!match.has("name")) {
      return match;
    }
    ObjectNode copy = match.deepCopy();
    copy.remove("name");
    return copy;
  }

  /** An HTTP match on a URI prefix with the conditions that decide whether an earlier one covers it. */
  private record PrefixMatch(String routeName, String matchName, int rule, int match, String prefix, int port, String method,
      String authority, Map<String, String> headers, Map<String, String> queryParams, Map<String, String> withoutHeaders) {

    static PrefixMatch of(String routeName, String matchName, int rule, int index, JsonNode match) {
      String prefix = match.path("uri").path("prefix").asText("");
      if (prefix.isEmpty()) {
        return null;
      }
      String method = exactOrPrefix(match.path("method"));
      return new PrefixMatch(routeName, matchName, rule, index, prefix, match.path("port").asInt(0),
          method.isEmpty() ? "exact:GET" : method, exactOrPrefix(match.path("authority")), values(match.path("headers")),
          values(match.path("queryParams")), values(match.path("withoutHeaders")));
    }

    private static String exactOrPrefix(JsonNode m) {
      if (!m.path("exact").asText("").isEmpty()) {
        return "exact:" + m.path("exact").asText();
      }
      return m.path("prefix").asText("").isEmpty() ? "" : "prefix:" + m.path("prefix").asText();
    }

    private static Map<String, String> values(JsonNode map) {
      Map<String, String> out = new HashMap<>();
      map.fields().forEachRemaining(e -> out.put(e.getKey(), exactOrPrefix(e.getValue())));
      return out;
    }

    /** Whether every request {@code later} matches is matched by this earlier one (Istio's coveredValidation). */
    boolean covers(PrefixMatch later) {
      return later.prefix.startsWith(prefix) && later.port == port && coversValue(method, later.method)
          && coversValue(authority, later.authority) && coversAll(headers, later.headers) && coversAll(queryParams, later.queryParams)
          && coversAll(withoutHeaders, later.withoutHeaders);
    }

    private static boolean coversValue(String earlier, String later) {
      return earlier.equals(later) || earlier.startsWith(later);
    }

    private static boolean coversAll(Map<String, String> earlier, Map<String, String> later) {
      if (earlier.size() != later.size()) {
        return false;
      }
      return earlier.entrySet().stream().allMatch(e -> later.containsKey(e.getKey()) && coversValue(e.getValue(), later.get(e.getKey())));
    }
  }
}
