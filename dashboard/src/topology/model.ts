// The topology as the backend sends it, and how it is drawn: pure functions, tested without a browser.

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'FAILURE' | 'NO_TRAFFIC';

export interface Health {
  time: string;
  score: number;
  status: HealthStatus;
  requestsPerSecond: number;
  errorRatio: number;
  p95Ms: number | null;
  reasons: string[];
}

export interface TopologyNode {
  id: string;
  type: 'WORKLOAD' | 'GATEWAY' | 'VM' | 'APP' | 'SERVICE' | 'EXTERNAL' | 'UNKNOWN' | 'NAMESPACE' | 'CLUSTER';
  cluster: string;
  namespace: string;
  name: string;
  app: string;
  version: string;
  idle: boolean;
  health: Health | null;
  /** How many nodes a collapsed namespace stands for (set by {@link collapseNamespaces}). */
  members?: number;
}

export interface TopologyEdge {
  source: string;
  target: string;
  protocol: string;
  requestsPerSecond: number;
  errorRatio: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  tcpSentBytesPerSecond: number;
  tcpReceivedBytesPerSecond: number;
  mtls: number | null;
  responseCodes: { code: string; requestsPerSecond: number }[];
}

export interface Topology {
  time: string;
  windowSeconds: number;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  errors: string[];
  /** Which series the traffic came from: the mesh's recording rules, or Istio's raw metrics. */
  telemetry: 'RECORDED' | 'RAW';
  /** Peers the cluster registry cannot reach now: their nodes show the last traffic seen (absent: none). */
  staleClusters?: string[];
}

/** What the legend says about where the traffic was read from, and why it may be slow at scale. */
export function telemetryNote(t: Pick<Topology, 'telemetry' | 'windowSeconds'>): { label: string; detail: string } {
  if (t.telemetry === 'RECORDED') {
    return { label: 'traffic: recorded series', detail: 'Read from the smm-mesh-telemetry recording rules: fast at any mesh size.' };
  }
  return {
    label: 'traffic: raw metrics',
    detail: t.windowSeconds !== 60
      ? 'The recording rules keep 1 minute windows; other windows are computed from the raw metrics, slower on large meshes.'
      : 'Prometheus has no smm-mesh-telemetry recorded series for this instant (rules not installed, not evaluated yet, or an '
        + 'instant before they ran). Install the PrometheusRule smm-mesh-telemetry (smm install does) to make large meshes fast.',
  };
}

/**
 * When a LIVE graph was evaluated: the backend answers a refreshing view from its latest background
 * evaluation, which may lag when the backend is busy; more than a minute behind is said in words.
 */
export function asOf(time: string, nowMs: number): { label: string; late: boolean } {
  const at = new Date(time);
  const clock = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const seconds = Math.round((nowMs - at.getTime()) / 1000);
  if (seconds <= 60) {
    return { label: `as of ${clock}`, late: false };
  }
  return { label: `as of ${clock} (${seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`} ago)`, late: true };
}

export type EdgeLabel = 'rate' | 'p95' | 'mtls';

export const EDGE_LABELS: { id: EdgeLabel; label: string }[] = [
  { id: 'rate', label: 'Protocol + rate' },
  { id: 'p95', label: 'P95 latency' },
  { id: 'mtls', label: 'mTLS' },
];

export type Grouping = 'WORKLOAD' | 'APP' | 'NAMESPACE' | 'CLUSTER';

export const GROUPINGS: { id: Grouping; label: string }[] = [
  { id: 'WORKLOAD', label: 'workloads' },
  { id: 'APP', label: 'apps (versions together)' },
  { id: 'NAMESPACE', label: 'namespaces' },
  { id: 'CLUSTER', label: 'clusters' },
];

/** The grouping a URL's group= names (lower case), workloads when absent or unknown. */
export function groupingOf(param: string | undefined): Grouping {
  return GROUPINGS.find((g) => g.id.toLowerCase() === param)?.id ?? 'WORKLOAD';
}

export const HEALTH_COLORS: Record<HealthStatus | 'UNKNOWN', string> = {
  HEALTHY: '#2e9d5b',
  DEGRADED: '#e0a100',
  FAILURE: '#d64545',
  NO_TRAFFIC: '#9aa8b8',
  UNKNOWN: '#9aa8b8',
};

export function formatBytes(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} MB/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} kB/s`;
  return `${perSecond.toFixed(0)} B/s`;
}

export function edgeLabel(e: TopologyEdge, mode: EdgeLabel): string {
  if (mode === 'p95') return e.p95Ms === null ? '' : `${e.p95Ms.toFixed(0)} ms`;
  if (mode === 'mtls') return e.mtls === null ? '' : e.mtls >= 0.999 ? 'mTLS' : e.mtls <= 0.001 ? 'plaintext' : `mTLS ${(e.mtls * 100).toFixed(0)}%`;
  if (e.protocol === 'tcp') return `tcp ${formatBytes(e.tcpSentBytesPerSecond + e.tcpReceivedBytesPerSecond)}`;
  return `${e.protocol} ${e.requestsPerSecond.toFixed(1)} rps`;
}

/** Edge colour: red above 10% errors, amber above 0.1%, grey otherwise (Kiali's thresholds). */
export function edgeColor(e: TopologyEdge): string {
  if (e.errorRatio >= 0.1) return HEALTH_COLORS.FAILURE;
  if (e.errorRatio >= 0.001) return HEALTH_COLORS.DEGRADED;
  return '#7b8a9c';
}

export function nodeLabel(n: TopologyNode): string {
  if (n.members !== undefined) return `${n.name} (${n.members})`;
  if (n.type === 'WORKLOAD') return n.name;
  if (n.type === 'UNKNOWN') return 'unknown';
  return n.name;
}

export function nodeColor(n: TopologyNode): string {
  if (n.idle) return '#c9d2dc';
  return HEALTH_COLORS[n.health?.status ?? 'UNKNOWN'];
}

export interface Element {
  group: 'nodes' | 'edges';
  data: Record<string, string | number | boolean>;
}

/**
 * Cytoscape elements for a topology; edges whose ends are missing are dropped, never crash the
 * graph. With {@code boxes}, nodes sit in a box per namespace (compound nodes).
 */
export function elements(t: Topology, mode: EdgeLabel, boxes = false): Element[] {
  const ids = new Set(t.nodes.map((n) => n.id));
  const stale = new Set(t.staleClusters ?? []);
  const out: Element[] = [];
  // A namespace box around namespace or cluster nodes would only repeat them.
  const boxed = (n: TopologyNode) => boxes && !!n.namespace && n.type !== 'NAMESPACE' && n.type !== 'CLUSTER';
  if (boxes) {
    [...new Set(t.nodes.filter(boxed).map((n) => n.namespace))].sort().forEach((ns) => {
      out.push({ group: 'nodes', data: { id: `box:${ns}`, label: ns, kind: 'box' } });
    });
  }
  t.nodes.forEach((n) => {
    const data: Element['data'] = {
      id: n.id,
      label: nodeLabel(n),
      kind: n.type.toLowerCase(),
      color: nodeColor(n),
      idle: n.idle,
      stale: stale.has(n.cluster),
      status: n.idle ? 'IDLE' : n.health?.status ?? 'UNKNOWN',
    };
    if (boxed(n)) data.parent = `box:${n.namespace}`;
    out.push({ group: 'nodes', data });
  });
  t.edges.forEach((e) => {
    if (!ids.has(e.source) || !ids.has(e.target)) return;
    out.push({
      group: 'edges',
      // Named by what it connects, so a refresh updates the same edge instead of re-creating it.
      data: { id: `${e.source}>${e.target}>${e.protocol}`, source: e.source, target: e.target, label: edgeLabel(e, mode), color: edgeColor(e), protocol: e.protocol },
    });
  });
  return out;
}

/**
 * Above this many nodes the graph opens with every namespace collapsed into one node: a few
 * hundred nodes are what a person can read, and what a browser lays out in well under a second.
 */
export const COLLAPSE_ABOVE = 250;

/** Whether a graph of this size opens collapsed (the user's explicit choice wins). */
export function collapsedByDefault(t: Pick<Topology, 'nodes'>): boolean {
  return t.nodes.length > COLLAPSE_ABOVE && new Set(t.nodes.map((n) => n.namespace).filter(Boolean)).size > 1;
}

const SEVERITY: Record<HealthStatus, number> = { NO_TRAFFIC: 0, HEALTHY: 1, DEGRADED: 2, FAILURE: 3 };

/** The id a collapsed namespace gets: the backend's namespace node id, so it is the node the NAMESPACE grouping would show. */
export function namespaceNodeId(cluster: string, namespace: string): string {
  return `namespace:${cluster}/${namespace}`;
}

/**
 * The graph with each namespace not in {@code expanded} drawn as one node (as Kiali collapses a
 * namespace box): its health is its worst member's, traffic inside it is hidden, and edges to and
 * from it are summed (requests and bytes add up; error and mTLS shares are weighted by requests;
 * a latency quantile cannot be summed, so the slowest member edge's is kept, an upper bound).
 */
export function collapseNamespaces(t: Topology, expanded: ReadonlySet<string>): Topology {
  const into = new Map<string, string>();
  const groups = new Map<string, TopologyNode & { members: number }>();
  t.nodes.forEach((n) => {
    if (!n.namespace || expanded.has(n.namespace) || n.type === 'NAMESPACE' || n.type === 'CLUSTER') return;
    const id = namespaceNodeId(n.cluster, n.namespace);
    into.set(n.id, id);
    const g = groups.get(id) ?? { id, type: 'NAMESPACE', cluster: n.cluster, namespace: n.namespace, name: n.namespace, app: '', version: '',
      idle: true, health: null, members: 0 };
    g.members += 1;
    g.idle = g.idle && n.idle;
    if (n.health && (!g.health || SEVERITY[n.health.status] > SEVERITY[g.health.status])) {
      g.health = { ...n.health, reasons: n.health.reasons.map((r) => `${n.name}: ${r}`) };
    }
    groups.set(id, g);
  });
  const edges = new Map<string, TopologyEdge>();
  t.edges.forEach((e) => {
    const source = into.get(e.source) ?? e.source;
    const target = into.get(e.target) ?? e.target;
    if (source === target) return; // inside a collapsed namespace
    const key = `${source}>${target}>${e.protocol}`;
    const m = edges.get(key);
    if (!m) {
      edges.set(key, { ...e, source, target, responseCodes: [...e.responseCodes] });
      return;
    }
    const rps = m.requestsPerSecond + e.requestsPerSecond;
    const share = (a: number | null, b: number | null) => (a === null ? b : b === null ? a
      : rps > 0 ? (a * m.requestsPerSecond + b * e.requestsPerSecond) / rps : Math.max(a, b));
    const slowest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
    const codes = new Map(m.responseCodes.map((c) => [c.code, c.requestsPerSecond]));
    e.responseCodes.forEach((c) => codes.set(c.code, (codes.get(c.code) ?? 0) + c.requestsPerSecond));
    edges.set(key, {
      ...m,
      requestsPerSecond: rps,
      errorRatio: share(m.errorRatio, e.errorRatio) ?? 0,
      mtls: share(m.mtls, e.mtls),
      p50Ms: slowest(m.p50Ms, e.p50Ms),
      p95Ms: slowest(m.p95Ms, e.p95Ms),
      p99Ms: slowest(m.p99Ms, e.p99Ms),
      tcpSentBytesPerSecond: m.tcpSentBytesPerSecond + e.tcpSentBytesPerSecond,
      tcpReceivedBytesPerSecond: m.tcpReceivedBytesPerSecond + e.tcpReceivedBytesPerSecond,
      responseCodes: [...codes].map(([code, requestsPerSecond]) => ({ code, requestsPerSecond })),
    });
  });
  return { ...t, nodes: [...t.nodes.filter((n) => !into.has(n.id)), ...groups.values()], edges: [...edges.values()] };
}

/** Nodes whose name or namespace/name contains the text (case-insensitive), best matches (exact names) first. */
export function findNodes(t: Pick<Topology, 'nodes'>, text: string, limit = 20): TopologyNode[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  return t.nodes
    .filter((n) => n.name.toLowerCase().includes(q) || `${n.namespace}/${n.name}`.toLowerCase().includes(q))
    .sort((a, b) => Number(b.name.toLowerCase() === q) - Number(a.name.toLowerCase() === q) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/**
 * The end of the node panel's health window for a topology evaluated at `time`: the time
 * floored to the window's step, so that a page refreshing every few seconds asks for the health
 * once per step instead of restarting a query that may take longer than the refresh.
 */
export function healthWindowEnd(time: string | null | undefined, stepSeconds = 60): string | undefined {
  const ms = time ? Date.parse(time) : Number.NaN;
  if (Number.isNaN(ms)) return undefined;
  return new Date(Math.floor(ms / (stepSeconds * 1000)) * stepSeconds * 1000).toISOString();
}
