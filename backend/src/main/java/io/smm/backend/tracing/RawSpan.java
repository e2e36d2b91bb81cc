package io.smm.backend.tracing;

import java.util.Map;

/** A span as a tracing server stores it (one half of a shared client/server span), before {@link Trace#of} merges halves. */
record RawSpan(String traceId, String id, String parentId, String kind, String service, String name, long startMicros,
    long durationMicros, Map<String, String> tags) {}
