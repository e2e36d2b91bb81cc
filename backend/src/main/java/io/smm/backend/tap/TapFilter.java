package io.smm.backend.tap;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which entries a tap subscriber gets, checked on the server so only those travel: the reporting
 * source (a namespace, a workload or a pod), and optionally direction, destination (part of its
 * name or authority), method, path prefix, response-code range (a gRPC call that failed inside
 * HTTP 200 counts as its status's HTTP equivalent, see {@link GrpcStatus}), gRPC statuses, one
 * request header and protocol.
 * Built with {@link #of}, which rejects what cannot match anything with a message naming the
 * field, before any streaming starts.
 */
public record TapFilter(Target target, String namespace, String name, String direction, String destination, String method,
    String pathPrefix, int minCode, int maxCode, String headerName, String headerValue, String protocol, Set<Integer> grpcStatuses) {

  public enum Target { NAMESPACE, WORKLOAD, POD }

  private static final Set<String> DIRECTIONS = Set.of("inbound", "outbound");
  private static final Set<String> PROTOCOLS = Set.of("http", "grpc", "tcp");

  /** {@link #of(String, String, String, String, String, String, String, Integer, Integer, String, String, String)} with any gRPC status. */
  public static TapFilter of(String target, String namespace, String name, String direction, String destination, String method,
      String pathPrefix, Integer minCode, Integer maxCode, String header, String protocol) {
    return of(target, namespace, name, direction, destination, method, pathPrefix, minCode, maxCode, header, protocol, null);
  }

  /**
   * @param grpcStatus comma-separated gRPC statuses (codes or names: 13, Internal, UNAVAILABLE); only gRPC calls with one of them
   * @throws IllegalArgumentException naming the offending field
   */
  public static TapFilter of(String target, String namespace, String name, String direction, String destination, String method,
      String pathPrefix, Integer minCode, Integer maxCode, String header, String protocol, String grpcStatus) {
    Target t = switch (target == null ? "" : target.toLowerCase(Locale.ROOT)) {
      case "ns", "namespace" -> Target.NAMESPACE;
      case "workload", "deployment" -> Target.WORKLOAD;
      case "pod", "po" -> Target.POD;
      default -> throw new IllegalArgumentException("unknown tap target kind \"" + target + "\": use ns, workload or pod");
    };
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("a tap needs the namespace of its reporting source");
    }
    if (t != Target.NAMESPACE && (name == null || name.isBlank())) {
      throw new IllegalArgumentException("a " + t.name().toLowerCase(Locale.ROOT) + " tap needs the " + t.name().toLowerCase(Locale.ROOT)
          + "'s name");
    }
    String dir = blankToNull(direction);
    if (dir != null && !DIRECTIONS.contains(dir.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("direction must be inbound or outbound, not \"" + direction + "\"");
    }
    String proto = blankToNull(protocol);
    if (proto != null && !PROTOCOLS.contains(proto.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("protocol must be http, grpc or tcp, not \"" + protocol + "\"");
    }
    int min = minCode == null ? 0 : minCode;
    int max = maxCode == null ? 999 : maxCode;
    if (min < 0 || max > 999 || min > max) {
      throw new IllegalArgumentException("response code range " + min + "," + max + " is not a range of HTTP status codes (0-999, min <= max)");
    }
    String headerName = null;
    String headerValue = null;
    if (header != null && !header.isBlank()) {
      int eq = header.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("header filter must be name=value, not \"" + header + "\"");
      }
      headerName = header.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      headerValue = header.substring(eq + 1).trim();
    }
    Set<Integer> grpcStatuses = new TreeSet<>();
    if (grpcStatus != null) {
      for (String s : grpcStatus.split(",")) {
        if (!s.isBlank()) {
          grpcStatuses.add(GrpcStatus.parse(s));
        }
      }
    }
    return new TapFilter(t, namespace, blankToNull(name), dir == null ? null : dir.toLowerCase(Locale.ROOT), blankToNull(destination),
        blankToNull(method) == null ? null : method.toUpperCase(Locale.ROOT), blankToNull(pathPrefix), min, max, headerName, headerValue,
        proto == null ? null : proto.toLowerCase(Locale.ROOT), Set.copyOf(grpcStatuses));
  }

  public boolean matches(TapEntry e) {
    TapEntry.Peer r = e.reporter();
    if (!namespace.equals(r.namespace())) {
      return false;
    }
    if (target == Target.WORKLOAD && !name.equals(r.workload()) || target == Target.POD && !name.equals(r.name())) {
      return false;
    }
    if (direction != null && !direction.equals(e.direction())) {
      return false;
    }
    if (protocol != null && !protocol.equals(e.protocol())) {
      return false;
    }
    if (method != null && !method.equals(e.request().method())) {
      return false;
    }
    if (pathPrefix != null && (e.request().path() == null || !e.request().path().startsWith(pathPrefix))) {
      return false;
    }
    int code = GrpcStatus.effectiveHttpCode(e.response().code(), e.response().grpcStatus());
    if ((minCode > 0 || maxCode < 999) && (code < minCode || code > maxCode)) {
      return false;
    }
    if (!grpcStatuses.isEmpty() && !grpcStatuses.contains(GrpcStatus.code(e.response().grpcStatus()))) {
      return false;
    }
    if (destination != null && !contains(e.destination().name(), destination) && !contains(e.request().authority(), destination)
        && !contains(e.destination().workload(), destination)) {
      return false;
    }
    return headerName == null || headerValue.equals(header(e.request(), headerName));
  }

  private static String header(TapEntry.Request r, String name) {
    return switch (name) {
      case "user-agent" -> r.userAgent();
      case "x-request-id" -> r.id();
      case ":authority", "host" -> r.authority();
      case ":path" -> r.path();
      case ":method" -> r.method();
      default -> r.headers().get(name);
    };
  }

  private static boolean contains(String value, String part) {
    return value != null && value.contains(part);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
