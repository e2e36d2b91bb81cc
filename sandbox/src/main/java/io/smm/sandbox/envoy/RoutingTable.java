package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The VirtualService part of Istio's routing, as a sidecar applies it to one outbound request:
 * the first VirtualService for the host (oldest first, as Istio picks among conflicting ones;
 * only those bound to the mesh gateway), its first matching HTTP route (uri, method, authority,
 * headers, withoutHeaders, port, sourceLabels, sourceNamespace, queryParams; ignoreUriCase), and
 * what that route says: weighted destinations (with subsets), redirect, rewrite, fault abort and
 * delay with percentages, timeout, retries, mirror, request header set/add/remove. TCP routes
 * (port match, weighted destinations) too. A construct the sandbox does not simulate (delegate,
 * TLS routes for the host, unknown match fields) makes the whole VirtualService unusable: it
 * throws, and the caller skips that VirtualService with one warning.
 */
public final class RoutingTable {

  /** Istio's default retry policy for routes without one: 2 attempts on connection failures and upstream 503s. */
  static final Retry DEFAULT_RETRY = new Retry(2, 0, Set.of("connect-failure", "refused-stream", "unavailable", "cancelled",
      "retriable-status-codes", "503"));

  public record Retry(int attempts, long perTryTimeoutMs, Set<String> retryOn) {}

  public record Mirror(String host, String subset, double percent) {}

  public record Redirect(int code, String uri, String authority) {}

  /** What the sidecar does with one request; {@code host} is as written in the route (short names resolve in {@code namespace}). */
  public record Route(String namespace, String host, String subset, int port, int abortHttpStatus,
      int abortGrpcStatus, long delayMs, long timeoutMs, Retry retry, Mirror mirror, String rewriteUri, String rewriteAuthority,
      Redirect redirect, Map<String, String> setHeaders, List<String> removeHeaders) {}

  /** The request as the route matchers see it. */
  public record RequestView(String sourceNamespace, Map<String, String> sourceLabels, String protocol, String authority, int port,
      String path, String method, Map<String, String> headers) {}

  private RoutingTable() {}

  /**
   * The VirtualServices that apply to {@code hostMatches}, in the order Istio considers them.
   * {@code hostMatches} tells whether a host as written in a VirtualService of a namespace names
   * the destination.
   */
  static List<MeshResources.Rule> forHost(List<MeshResources.Rule> virtualServices, BiPredicate<String, String> hostMatches) {
    List<MeshResources.Rule> out = new ArrayList<>();
    for (MeshResources.Rule vs : virtualServices) {
      if (!boundToMesh(vs.spec())) {
        continue;
      }
      for (JsonNode h : vs.spec().path("hosts")) {
        if (hostMatches.test(h.asText(), vs.namespace())) {
          out.add(vs);
          break;
        }
      }
    }
    out.sort(Comparator.comparing(MeshResources.Rule::resourceVersion, Comparator.comparingLong(RoutingTable::version))
        .thenComparing(MeshResources.Rule::namespace).thenComparing(MeshResources.Rule::name));
    return out;
  }

  private static long version(String resourceVersion) {
    try {
      return Long.parseLong(resourceVersion);
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  private static boolean boundToMesh(JsonNode spec) {
    JsonNode gateways = spec.path("gateways");
    if (!gateways.isArray() || gateways.isEmpty()) {
      return true;
    }
    for (JsonNode g : gateways) {
      if (g.asText().equals("mesh")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The route of {@code vs} for the request, or empty when none of its routes match (Envoy then
   * answers 404 NR for HTTP; the caller decides).
   */
  static Optional<Route> route(MeshResources.Rule vs, RequestView request) {
    JsonNode spec = vs.spec();
    if (spec.has("tls") && !spec.path("tls").isEmpty()) {
      throw new IllegalArgumentException("TLS routes are not simulated");
    }
    if (request.protocol().equals("tcp")) {
      for (JsonNode route : spec.path("tcp")) {
        if (tcpMatches(route.path("match"), request)) {
          return Optional.of(destinations(vs, route, request.protocol()));
        }
      }
      return Optional.empty();
    }
    for (JsonNode route : spec.path("http")) {
      if (route.has("delegate")) {
        throw new IllegalArgumentException("delegate is not simulated");
      }
      if (httpMatches(route.path("match"), request)) {
        return Optional.of(httpRoute(vs, route, request));
      }
    }
    return Optional.empty();
  }

  private static boolean tcpMatches(JsonNode matches, RequestView r) {
    if (!matches.isArray() || matches.isEmpty()) {
      return true;
    }
    for (JsonNode m : matches) {
      if ((!m.has("port") || m.get("port").asInt() == r.port()) && sourceMatches(m, r)) {
        return true;
      }
    }
    return false;
  }

  private static final Set<String> MATCH_FIELDS = Set.of("name", "uri", "method", "authority", "headers", "withoutHeaders", "port",
      "sourceLabels", "sourceNamespace", "queryParams", "ignoreUriCase", "scheme");

  private static boolean httpMatches(JsonNode matches, RequestView r) {
    if (!matches.isArray() || matches.isEmpty()) {
      return true;
    }
    for (JsonNode m : matches) {
      m.fieldNames().forEachRemaining(f -> {
        if (!MATCH_FIELDS.contains(f)) {
          throw new IllegalArgumentException("match field " + f + " is not simulated");
        }
      });
      String path = r.path().contains("?") ? r.path().substring(0, r.path().indexOf('?')) : r.path();
      boolean ignoreCase = m.path("ignoreUriCase").asBoolean(false);
      boolean ok = stringMatch(m.path("uri"), ignoreCase ? path.toLowerCase(Locale.ROOT) : path, ignoreCase)
          && stringMatch(m.path("method"), r.method(), false)
          && stringMatch(m.path("authority"), r.authority(), false)
          && stringMatch(m.path("scheme"), "http", false)
          && (!m.has("port") || m.get("port").asInt() == r.port())
          && sourceMatches(m, r)
          && headersMatch(m.path("headers"), r.headers(), true)
          && headersMatch(m.path("withoutHeaders"), r.headers(), false)
          && headersMatch(m.path("queryParams"), query(r.path()), true);
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static boolean sourceMatches(JsonNode m, RequestView r) {
    if (m.has("sourceNamespace") && !m.get("sourceNamespace").asText().equals(r.sourceNamespace())) {
      return false;
    }
    if (m.has("sourceLabels")) {
      var it = m.get("sourceLabels").fields();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().asText().equals(r.sourceLabels().get(e.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** headers: every listed header must match; withoutHeaders: the match succeeds when none of them matches. */
  private static boolean headersMatch(JsonNode matchers, Map<String, String> values, boolean required) {
    if (!matchers.isObject() || matchers.isEmpty()) {
      return true;
    }
    var it = matchers.fields();
    while (it.hasNext()) {
      var e = it.next();
      String value = values.get(e.getKey().toLowerCase(Locale.ROOT));
      boolean matched = value != null && (e.getValue().isEmpty() || stringMatch(e.getValue(), value, false));
      if (required != matched) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> query(String path) {
    Map<String, String> out = new HashMap<>();
    int q = path.indexOf('?');
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        out.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
    }
    return out;
  }

  static boolean stringMatch(JsonNode matcher, String value, boolean lowerCase) {
    if (matcher.isMissingNode() || matcher.isNull()) {
      return true;
    }
    UnaryOperator<String> norm = s -> lowerCase ? s.toLowerCase(Locale.ROOT) : s;
    if (matcher.has("exact")) {
      return norm.apply(matcher.get("exact").asText()).equals(value);
    }
    if (matcher.has("prefix")) {
      return value.startsWith(norm.apply(matcher.get("prefix").asText()));
    }
    if (matcher.has("regex")) {
      return Pattern.matches(matcher.get("regex").asText(), value);
    }
    throw new IllegalArgumentException("unsupported string match " + matcher);
  }

  private static Route httpRoute(MeshResources.Rule vs, JsonNode route, RequestView r) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Route base = route.has("redirect") ? new Route(vs.namespace(), null, null, 0, 0, 0, 0, 0, null, null, null, null, null,
        Map.of(), List.of()) : destinations(vs, route, r.protocol());
    JsonNode fault = route.path("fault");
    int abortHttp = 0;
    int abortGrpc = 0;
    if (fault.has("abort") && random.nextDouble() * 100 < percentage(fault.get("abort"))) {
      JsonNode abort = fault.get("abort");
      if (abort.has("grpcStatus")) {
        abortGrpc = GrpcStatuses.code(abort.get("grpcStatus").asText());
        abortHttp = 200;
      } else {
        abortHttp = abort.path("httpStatus").asInt(503);
      }
    }
    long delay = 0;
    if (fault.has("delay") && random.nextDouble() * 100 < percentage(fault.get("delay"))) {
      delay = Durations.millis(fault.get("delay").path("fixedDelay").asText("0s"));
    }
    long timeout = route.has("timeout") ? Durations.millis(route.get("timeout").asText()) : 0;
    Retry retry = DEFAULT_RETRY;
    if (route.has("retries")) {
      JsonNode retries = route.get("retries");
      Set<String> on = new HashSet<>();
      for (String s : retries.path("retryOn").asText("connect-failure,refused-stream,unavailable,cancelled,503").split(",")) {
        if (!s.isBlank()) {
          on.add(s.trim());
        }
      }
      retry = new Retry(retries.path("attempts").asInt(0),
          retries.has("perTryTimeout") ? Durations.millis(retries.get("perTryTimeout").asText()) : 0, Set.copyOf(on));
    }
    Mirror mirror = null;
    if (route.has("mirror")) {
      double percent = route.has("mirrorPercentage") ? route.at("/mirrorPercentage/value").asDouble(100)
          : route.path("mirrorPercent").asDouble(100);
      mirror = new Mirror(route.at("/mirror/host").asText(), route.at("/mirror/subset").asText(null), percent);
    }
    Redirect redirect = null;
    if (route.has("redirect")) {
      JsonNode rd = route.get("redirect");
      redirect = new Redirect(rd.path("redirectCode").asInt(301), rd.path("uri").asText(null), rd.path("authority").asText(null));
    }
    String rewriteUri = route.at("/rewrite/uri").asText(null);
    if (rewriteUri != null) {
      rewriteUri = rewrite(route.path("match"), r, rewriteUri);
    }
    Map<String, String> set = new HashMap<>();
    List<String> remove = new ArrayList<>();
    JsonNode requestHeaders = route.at("/headers/request");
    requestHeaders.path("set").fields().forEachRemaining(e -> set.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    requestHeaders.path("add").fields().forEachRemaining(e -> set.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    requestHeaders.path("remove").forEach(h -> remove.add(h.asText().toLowerCase(Locale.ROOT)));
    return new Route(base.namespace(), base.host(), base.subset(), base.port(), abortHttp, abortGrpc, delay,
        timeout, retry, mirror, rewriteUri, route.at("/rewrite/authority").asText(null), redirect, Map.copyOf(set), List.copyOf(remove));
  }

  /** Envoy's prefix rewrite replaces the matched prefix; with an exact or regex match the whole path. */
  private static String rewrite(JsonNode matches, RequestView r, String replacement) {
    for (JsonNode m : matches) {
      String prefix = m.at("/uri/prefix").asText(null);
      if (prefix != null && r.path().startsWith(prefix)) {
        return replacement + r.path().substring(prefix.length());
      }
    }
    return replacement;
  }

  private static Route destinations(MeshResources.Rule vs, JsonNode route, String protocol) {
    JsonNode destinations = route.path("route");
    if (!destinations.isArray() || destinations.isEmpty()) {
      throw new IllegalArgumentException("a route without destinations");
    }
    int total = 0;
    for (JsonNode d : destinations) {
      total += weight(d, destinations.size());
    }
    JsonNode chosen = destinations.get(0);
    if (total > 0) {
      int pick = ThreadLocalRandom.current().nextInt(total);
      for (JsonNode d : destinations) {
        pick -= weight(d, destinations.size());
        if (pick < 0) {
          chosen = d;
          break;
        }
      }
    }
    JsonNode destination = chosen.path("destination");
    if (!destination.has("host")) {
      throw new IllegalArgumentException("a destination without host");
    }
    return new Route(vs.namespace(), destination.get("host").asText(), destination.path("subset").asText(null),
        destination.at("/port/number").asInt(0), 0, 0, 0, 0, protocol.equals("tcp") ? null : DEFAULT_RETRY, null, null, null, null,
        Map.of(), List.of());
  }

  private static int weight(JsonNode destination, int count) {
    return destination.path("weight").asInt(count == 1 ? 100 : 0);
  }

  private static double percentage(JsonNode fault) {
    return fault.has("percentage") ? fault.at("/percentage/value").asDouble(100) : fault.path("percent").asDouble(100);
  }
}
