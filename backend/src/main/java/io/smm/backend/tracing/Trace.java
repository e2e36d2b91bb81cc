package io.smm.backend.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One trace: its spans, parents before children, ordered by start time. Built from what a tracing
 * server returns, whichever API: the halves of a shared span are merged (client timing, server
 * service), and a span is an error when Envoy tagged either half {@code error}.
 */
public record Trace(String traceId, List<Span> spans) {

  /** The first span without a parent in the trace (the request's entry); null for an empty trace. */
  public Span root() {
    return spans.isEmpty() ? null : spans.get(0);
  }

  public long startMicros() {
    return spans.stream().mapToLong(Span::startMicros).min().orElse(0);
  }

  /** From the first span's start to the last span's end. */
  public long durationMicros() {
    return spans.stream().mapToLong(s -> s.startMicros() + s.durationMicros()).max().orElse(0) - startMicros();
  }

  public boolean error() {
    return spans.stream().anyMatch(Span::error);
  }

  public Set<String> services() {
    Set<String> out = new TreeSet<>();
    spans.forEach(s -> {
      out.add(s.service());
      if (s.caller() != null) {
        out.add(s.caller());
      }
    });
    return out;
  }

  static Trace of(String traceId, Collection<RawSpan> raw) {
    Map<String, List<RawSpan>> byId = new LinkedHashMap<>();
    raw.forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r));
    Map<String, Span> merged = new LinkedHashMap<>();
    byId.forEach((id, halves) -> merged.put(id, merge(id, halves)));
    // Parents first (depth order), siblings by start: the waterfall's order.
    List<Span> ordered = new ArrayList<>();
    Map<String, List<Span>> children = new LinkedHashMap<>();
    List<Span> roots = new ArrayList<>();
    for (Span s : merged.values()) {
      if (s.parentId() == null || !merged.containsKey(s.parentId()) || s.parentId().equals(s.id())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
      }
    }
    Comparator<Span> byStart = Comparator.comparingLong(Span::startMicros).thenComparing(Span::id);
    roots.sort(byStart);
    children.values().forEach(l -> l.sort(byStart));
    Set<String> seen = new java.util.HashSet<>();
    for (Span r : roots) {
      addDepthFirst(r, children, ordered, seen);
    }
    return new Trace(traceId, List.copyOf(ordered));
  }

  private static void addDepthFirst(Span s, Map<String, List<Span>> children, List<Span> out, Set<String> seen) {
    if (!seen.add(s.id())) {
      return; // a cycle in bad data: each span once
    }
    out.add(s);
    for (Span c : children.getOrDefault(s.id(), List.of())) {
      addDepthFirst(c, children, out, seen);
    }
  }

  private static Span merge(String id, List<RawSpan> halves) {
    RawSpan client = halves.stream().filter(h -> "CLIENT".equals(h.kind())).findFirst().orElse(null);
    RawSpan server = halves.stream().filter(h -> "SERVER".equals(h.kind())).findFirst().orElse(null);
    RawSpan timing = client != null ? client : server != null ? server : halves.get(0);
    RawSpan owner = server != null ? server : timing;
    Map<String, String> tags = new LinkedHashMap<>();
    // The server's tags win (node_id, istio.*: who served it), the client's fill in what only it knows
    // (the response flags of a fault its proxy injected, where the server's say "-").
    halves.stream().filter(h -> h != server).forEach(h -> tags.putAll(h.tags()));
    if (server != null) {
      server.tags().forEach((k, v) -> {
        if (!v.isEmpty() && !v.equals("-") || !tags.containsKey(k)) {
          tags.put(k, v);
        }
      });
    }
    String parent = client != null && client.parentId() != null ? client.parentId()
        : halves.stream().map(RawSpan::parentId).filter(p -> p != null).findFirst().orElse(null);
    boolean error = halves.stream().anyMatch(h -> "true".equals(h.tags().get("error")));
    return new Span(id, parent, owner.service(), client != null && server != null ? client.service() : null, timing.name(),
        timing.startMicros(), timing.durationMicros(), server != null ? server.durationMicros() : null, error, Map.copyOf(tags));
  }
}
