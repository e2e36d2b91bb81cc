// Traffic tap entries as the backend streams them, and what the page does with them: pure functions, tested without a browser.

export interface TapPeer {
  cluster: string;
  namespace: string;
  workload: string;
  name: string;
  address: string;
}

export interface TapEntry {
  time: string;
  direction: 'inbound' | 'outbound';
  protocol: string;
  mtls: boolean;
  reporter: TapPeer;
  source: TapPeer;
  destination: TapPeer;
  request: { method: string; path: string; authority: string; httpVersion: string; userAgent: string; id: string; bytes: number; headers: { key: string; value: string }[] };
  response: { code: number; grpcStatus: string | null; flags: string; bytes: number; durationNanos: number };
  upstream: { cluster: string; address: string };
}

export interface TapBatch {
  entries: TapEntry[];
  dropped: number;
  matched: number;
}

/** The page's filter form; empty strings mean "any". */
export interface TapForm {
  namespace: string;
  workload: string;
  direction: string;
  method: string;
  codes: string;
  destination: string;
  path: string;
  header: string;
  protocol: string;
  grpcStatus: string;
}

/** The GraphQL filter for a form, or a message saying what is wrong with it. */
export function filterInput(f: TapForm): { ok: true; filter: Record<string, unknown> } | { ok: false; message: string } {
  if (!f.namespace) return { ok: false, message: 'Choose the reporting source: a namespace, and optionally a workload.' };
  const filter: Record<string, unknown> = f.workload
    ? { kind: 'WORKLOAD', namespace: f.namespace, name: f.workload }
    : { kind: 'NAMESPACE', namespace: f.namespace };
  if (f.codes.trim()) {
    const m = f.codes.trim().match(/^(\d{1,3})\s*(?:[-,]\s*(\d{1,3}))?$/);
    if (!m) return { ok: false, message: 'Status codes: one code or a range such as 500-599.' };
    const min = Number(m[1]);
    const max = Number(m[2] ?? m[1]);
    if (min > max) return { ok: false, message: `Status codes: ${min} is above ${max}.` };
    filter.minResponseCode = min;
    filter.maxResponseCode = max;
  }
  const copy: [keyof TapForm, string][] = [['direction', 'direction'], ['method', 'method'], ['destination', 'destination'], ['path', 'pathPrefix'], ['header', 'header'], ['protocol', 'protocol'], ['grpcStatus', 'grpcStatus']];
  copy.forEach(([from, to]) => {
    if (f[from].trim()) filter[to] = f[from].trim();
  });
  return { ok: true, filter };
}

/** Keeps the newest {@code max} rows: a tap left running must not grow the page without bound. */
export function appendRows(rows: TapEntry[], batch: TapEntry[], max: number): TapEntry[] {
  const all = rows.length + batch.length <= max ? rows.concat(batch) : rows.concat(batch).slice(-max);
  return all;
}

/** Which rows a scrolled list of fixed-height rows shows: first index and count, with a few spare rows around. */
export function visibleWindow(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 5): { first: number; count: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, count: Math.max(0, last - first) };
}

/** Durations as tap prints them: µs under a millisecond, ms under a second. */
export function duration(nanos: number): string {
  if (nanos < 1e6) return `${(nanos / 1e3).toFixed(0)}µs`;
  if (nanos < 1e9) return `${(nanos / 1e6).toFixed(1)}ms`;
  return `${(nanos / 1e9).toFixed(2)}s`;
}

/** Envoy's access log names of gRPC statuses (%GRPC_STATUS%), by code. */
const GRPC_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** The status column: the HTTP status, and for gRPC the status Envoy logs (gRPC failures arrive as HTTP 200). */
export function statusText(r: TapEntry['response']): string {
  const http = r.code ? String(r.code) : '–';
  if (r.grpcStatus == null) return http;
  const code = Number(r.grpcStatus);
  return `${http} ${Number.isInteger(code) && GRPC_NAMES[code] ? GRPC_NAMES[code] : r.grpcStatus}`;
}

/** Whether a row is a failure, as health counts them: HTTP 5xx, or a gRPC status other than OK. */
export function failed(r: TapEntry['response']): boolean {
  return r.code >= 500 || (r.grpcStatus != null && r.grpcStatus !== '0');
}
