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
