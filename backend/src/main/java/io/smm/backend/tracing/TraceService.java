package io.smm.backend.tracing;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Traces for the dashboard: a service's (or one of its workloads') slowest or failed traces in a
 * time range, and one trace by id, each cut to the namespaces the caller may see. A tracing server
 * that cannot be asked is an answer ({@link Search#available} false with the reason), not an error:
 * the pages say traces are unavailable and everything else works.
 */
public final class TraceService {

  /** How many traces are fetched to pick the slowest from (the servers return the newest first). */
  static final int CANDIDATES = 100;
  private final TracingBackend backend;

  public TraceService(TracingBackend backend) {
    this.backend = backend;
  }

  /** One found trace, summarised for a list. */
  public record Summary(String traceId, Instant start, double durationMs, String rootService, String rootName, int spanCount,
      boolean error, List<String> services) {}

  public record Search(boolean available, String message, String api, List<Summary> traces) {}

  public record Lookup(boolean available, boolean found, String message, Trace trace, String api) {}

  /**
   * Traces through the service, slowest first. A minimum duration applies to the service's hop as
   * its caller saw it (the merged span's client timing), so a delay injected for it counts.
   *
   * @param namespace the service's namespace; {@code app} its canonical service (app label)
   * @param workload only traces through this workload's pods or VMs (null: any)
   */
  public Search slowest(String namespace, String app, Workload workload, Instant end, Duration lookback, Duration minDuration,
      boolean errorsOnly, int limit, Predicate<String> visibleNamespace) {
    TraceQuery query = new TraceQuery(app + "." + namespace, end, lookback, minDuration, errorsOnly, CANDIDATES);
    if (limit < 1 || limit > TraceQuery.MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + TraceQuery.MAX_LIMIT + ", not " + limit);
    }
    TraceReader reader;
    Map<String, Trace> found = new LinkedHashMap<>();
    try {
      reader = backend.reader();
      reader.traces(query).forEach(t -> found.putIfAbsent(t.traceId(), t));
      if (!minDuration.isZero()) {
        // The servers match a minimum duration against the service's own spans, its server halves;
        // a delay its callers' proxies add (a fault injected for it, the network) is only in the
        // client half. The newest traces, measured by the whole hop, catch those.
        reader.traces(new TraceQuery(query.service(), end, lookback, Duration.ZERO, errorsOnly, CANDIDATES))
            .forEach(t -> found.putIfAbsent(t.traceId(), t));
      }
    } catch (TracingUnavailableException e) {
      backend.forget();
      return new Search(false, e.getMessage(), null, List.of());
    }
    long minMicros = minDuration.toNanos() / 1000;
    List<Summary> traces = found.values().stream()
        .filter(t -> minMicros == 0 || t.spans().stream().anyMatch(s -> s.service().equals(query.service()) && s.durationMicros() >= minMicros))
        .map(t -> visibleOnly(t, visibleNamespace))
        .filter(t -> !t.spans().isEmpty())
        .filter(t -> workload == null || throughWorkload(t, namespace, workload))
        .sorted(Comparator.comparingLong(Trace::durationMicros).reversed())
        .limit(limit)
        .map(TraceService::summary)
        .toList();
    String none = workload == null ? "no traces of " + query.service() + " in this time range"
        : "no traces of " + query.service() + " through workload " + workload.name() + " in this time range";
    return new Search(true, traces.isEmpty() ? none : null, reader.api(), traces);
  }

  /** One trace by id (16 or 32 hex digits); not found when the server does not have it or the caller may see none of it. */
  public Lookup trace(String traceId, Predicate<String> visibleNamespace) {
    String id = traceId == null ? "" : traceId.trim().toLowerCase(Locale.ROOT);
    if ((id.length() != 16 && id.length() != 32) || !isHex(id)) {
      throw new IllegalArgumentException("a trace id is 16 or 32 hexadecimal digits, not \"" + traceId + "\"");
    }
    return lookup(reader -> reader.trace(id), visibleNamespace,
        "trace " + id + " not found (it may be older than the tracing server keeps)");
  }

  /** What an x-request-id may look like (Envoy makes UUIDs; clients may send their own): no quotes or spaces a query could be bent with. */
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * The trace of one request, by the x-request-id every proxy on its way tagged its spans with
   * (guid:x-request-id): what a tap entry links to. Not found when the request was not sampled or
   * is older than the range.
   */
  public Lookup byRequestId(String requestId, String namespace, Instant end, Duration lookback, Predicate<String> visibleNamespace) {
    if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
      throw new IllegalArgumentException("a request id is 1-128 letters, digits and . _ : -, not \"" + requestId + "\"");
    }
    return lookup(reader -> reader.tagged("guid:x-request-id", requestId, namespace, end, lookback, 1).stream().findFirst(),
        visibleNamespace, "no trace of request " + requestId + " (not sampled, or older than the tracing server keeps)");
  }

  /** One trace the reader finds, cut to what the caller may see; not found (with {@code notFound}) when nothing of it is left. */
  private Lookup lookup(Function<TraceReader, Optional<Trace>> find, Predicate<String> visibleNamespace, String notFound) {
    Optional<Trace> trace;
    String api;
    try {
      TraceReader reader = backend.reader();
      api = reader.api();
      trace = find.apply(reader);
    } catch (TracingUnavailableException e) {
      backend.forget();
      return new Lookup(false, false, e.getMessage(), null, null);
    }
    return trace.map(t -> visibleOnly(t, visibleNamespace)).filter(t -> !t.spans().isEmpty())
        .map(t -> new Lookup(true, true, null, t, api))
        .orElseGet(() -> new Lookup(true, false, notFound, null, api));
  }

  private static boolean isHex(String s) {
    try {
      HexFormat.of().parseHex(s.length() % 2 == 0 ? s : "0" + s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Istio's tracing service name is {@code <canonical service>.<namespace>}: the namespace is its last part. */
  static String namespaceOf(String service) {
    int dot = service.lastIndexOf('.');
    return dot < 0 ? "" : service.substring(dot + 1);
  }

  /** The trace without the spans of services in namespaces the caller may not see (parents re-linked by {@link Trace#of}'s rules). */
  private static Trace visibleOnly(Trace t, Predicate<String> visibleNamespace) {
    List<Span> kept = t.spans().stream().filter(s -> visibleNamespace.test(namespaceOf(s.service()))).toList();
    return kept.size() == t.spans().size() ? t : new Trace(t.traceId(), kept);
  }

  /** Whether a span of the trace was served or sent by a pod of the workload (Envoy's node_id names the pod: sidecar~IP~POD.NS~...). */
  /**
   * A workload whose traces are wanted: its pods are named {@code <name>-...}, its VMs' proxies for
   * their hosts ({@code vmHosts}, from its WorkloadEntries).
   */
  public record Workload(String name, Set<String> vmHosts) {
    public Workload {
      vmHosts = Set.copyOf(vmHosts);
    }
  }

  /** Whether a span's proxy (node_id {@code sidecar~ip~<pod or host>.<namespace>~...}) is one of the workload's. */
  private static boolean throughWorkload(Trace t, String namespace, Workload workload) {
    String inNamespace = "." + namespace;
    return t.spans().stream().map(s -> s.tag("node_id")).filter(n -> n != null).map(n -> n.split("~"))
        .filter(parts -> parts.length >= 3 && parts[2].endsWith(inNamespace))
        .map(parts -> parts[2].substring(0, parts[2].length() - inNamespace.length()))
        .anyMatch(proxy -> proxy.startsWith(workload.name() + "-") || workload.vmHosts().contains(proxy));
  }

  private static Summary summary(Trace t) {
    Span root = t.root();
    long start = t.startMicros();
    return new Summary(t.traceId(), Instant.ofEpochSecond(start / 1_000_000, (start % 1_000_000) * 1000), t.durationMicros() / 1000.0,
        root.service(), root.name(), t.spans().size(), t.error(), List.copyOf(t.services()));
  }
}
