// Traces as the backend returns them (graphql/tracing.graphqls), and the waterfall drawn from one.

export interface TraceSummary {
  traceId: string;
  start: string;
  durationMs: number;
  rootService: string;
  rootName: string;
  spanCount: number;
  error: boolean;
  services: string[];
}

export interface TraceSearch {
  available: boolean;
  message: string | null;
  api: string | null;
  traces: TraceSummary[];
}

export interface TraceSpan {
  id: string;
  parentId: string | null;
  service: string;
  caller: string | null;
  name: string;
  offsetMs: number;
  durationMs: number;
  serverDurationMs: number | null;
  error: boolean;
  statusCode: string | null;
  responseFlags: string | null;
  requestId: string | null;
}

export interface TraceDetail {
  traceId: string;
  start: string;
  durationMs: number;
  error: boolean;
  spans: TraceSpan[];
}

export interface TraceLookup {
  available: boolean;
  api: string | null;
  found: boolean;
  message: string | null;
  trace: TraceDetail | null;
}

/** One waterfall row: the span, how deep it nests, and where its bar starts and how wide it is (percent of the trace). */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  leftPct: number;
  widthPct: number;
}

/**
 * The waterfall of a trace: rows in the backend's order (parents before children), each indented
 * by its depth in the call tree and placed on the trace's time axis. A span whose parent is not in
 * the trace starts a new tree at depth 0.
 */
export function waterfall(trace: TraceDetail): WaterfallRow[] {
  const depth = new Map<string, number>();
  const total = Math.max(trace.durationMs, 0.001);
  return trace.spans.map((span) => {
    const d = span.parentId != null && depth.has(span.parentId) ? depth.get(span.parentId)! + 1 : 0;
    depth.set(span.id, d);
    const leftPct = Math.min(100, Math.max(0, (span.offsetMs / total) * 100));
    const widthPct = Math.max(0.5, Math.min(100 - leftPct, (span.durationMs / total) * 100));
    return { span, depth: d, leftPct, widthPct };
  });
}

/** "frontpage.smm-demo" → "frontpage" (Istio names a tracing service <canonical service>.<namespace>). */
export function shortService(service: string): string {
  const dot = service.lastIndexOf('.');
  return dot > 0 ? service.slice(0, dot) : service;
}
