import { describe, expect, it } from 'vitest';
import { asOf, edgeColor, edgeLabel, elements, groupingOf, healthWindowEnd, telemetryNote, type Topology, type TopologyEdge } from './model';

const edge = (over: Partial<TopologyEdge>): TopologyEdge => ({
  source: 'a',
  target: 'b',
  protocol: 'http',
  requestsPerSecond: 12.34,
  errorRatio: 0,
  p50Ms: 5,
  p95Ms: 48.6,
  p99Ms: 90,
  tcpSentBytesPerSecond: 0,
  tcpReceivedBytesPerSecond: 0,
  mtls: 1,
  responseCodes: [],
  ...over,
});

describe('topology model', () => {
  it('labels edges by the chosen mode', () => {
    expect(edgeLabel(edge({}), 'rate')).toBe('http 12.3 rps');
    expect(edgeLabel(edge({ protocol: 'tcp', tcpSentBytesPerSecond: 1500, tcpReceivedBytesPerSecond: 500 }), 'rate')).toBe('tcp 2.0 kB/s');
    expect(edgeLabel(edge({}), 'p95')).toBe('49 ms');
    expect(edgeLabel(edge({ mtls: 0 }), 'mtls')).toBe('plaintext');
    expect(edgeLabel(edge({ mtls: 0.5 }), 'mtls')).toBe('mTLS 50%');
    expect(edgeLabel(edge({ mtls: null }), 'mtls')).toBe('');
  });

  it('colours edges by error ratio', () => {
    expect(edgeColor(edge({ errorRatio: 0.5 }))).toBe('#d64545');
    expect(edgeColor(edge({ errorRatio: 0.01 }))).toBe('#e0a100');
    expect(edgeColor(edge({ errorRatio: 0 }))).toBe('#7b8a9c');
  });

  it('drops edges whose nodes are missing instead of failing', () => {
    const t: Topology = {
      time: '',
      windowSeconds: 60,
      errors: [],
      telemetry: 'RAW',
      nodes: [
        { id: 'a', type: 'WORKLOAD', cluster: 'c', namespace: 'n', name: 'a', app: '', version: '', idle: false, health: null },
        { id: 'b', type: 'SERVICE', cluster: 'c', namespace: 'n', name: 'b', app: '', version: '', idle: true, health: null },
      ],
      edges: [edge({}), edge({ target: 'gone' })],
    };
    const els = elements(t, 'rate');
    expect(els.filter((e) => e.group === 'edges')).toHaveLength(1);
    expect(els.find((e) => e.data.id === 'b')?.data.status).toBe('IDLE');
    const boxed = elements(t, 'rate', true);
    expect(boxed.find((e) => e.data.id === 'box:n')?.data.kind).toBe('box');
    expect(boxed.find((e) => e.data.id === 'a')?.data.parent).toBe('box:n');
  });

  it('marks the nodes of clusters the registry cannot reach as stale, and only those', () => {
    const node = (id: string, cluster: string) =>
      ({ id, type: 'WORKLOAD', cluster, namespace: 'n', name: id, app: '', version: '', idle: false, health: null }) as const;
    const t: Topology = {
      time: '', windowSeconds: 60, errors: [], telemetry: 'RAW', staleClusters: ['peer'],
      nodes: [node('a', 'primary'), node('b', 'peer')], edges: [],
    };
    const els = elements(t, 'rate');
    expect(els.find((e) => e.data.id === 'a')?.data.stale).toBe(false);
    expect(els.find((e) => e.data.id === 'b')?.data.stale).toBe(true);
    expect(elements({ ...t, staleClusters: [] }, 'rate').some((e) => e.data.stale)).toBe(false);
  });

  it('never boxes namespace or cluster nodes in a namespace box', () => {
    const t: Topology = {
      time: '',
      windowSeconds: 60,
      errors: [],
      telemetry: 'RAW',
      nodes: [
        { id: 'namespace:c/n', type: 'NAMESPACE', cluster: 'c', namespace: 'n', name: 'n', app: '', version: '', idle: false, health: null },
        { id: 'service:c//PassthroughCluster', type: 'EXTERNAL', cluster: 'c', namespace: '', name: 'PassthroughCluster', app: '', version: '', idle: false, health: null },
      ],
      edges: [],
    };
    const els = elements(t, 'rate', true);
    expect(els.filter((e) => e.data.kind === 'box')).toHaveLength(0);
    expect(els.find((e) => e.data.id === 'namespace:c/n')?.data.parent).toBeUndefined();
  });

  it('reads the grouping from the URL, workloads by default', () => {
    expect(groupingOf('namespace')).toBe('NAMESPACE');
    expect(groupingOf('app')).toBe('APP');
    expect(groupingOf(undefined)).toBe('WORKLOAD');
    expect(groupingOf('bogus')).toBe('WORKLOAD');
  });
  it('says where the traffic was read from and why raw metrics are slower', () => {
    expect(telemetryNote({ telemetry: 'RECORDED', windowSeconds: 60 }).label).toBe('traffic: recorded series');
    expect(telemetryNote({ telemetry: 'RAW', windowSeconds: 60 }).detail).toContain('Install the PrometheusRule smm-mesh-telemetry');
    expect(telemetryNote({ telemetry: 'RAW', windowSeconds: 300 }).detail).toContain('1 minute windows');
  });

  it('says how old a LIVE graph is, in words once it is more than a minute behind', () => {
    const at = Date.parse('2026-12-06T10:00:00Z');
    expect(asOf('2026-12-06T10:00:00Z', at + 8_000)).toEqual({ label: expect.stringMatching(/^as of \d\d:00:00$/), late: false });
    expect(asOf('2026-12-06T10:00:00Z', at + 150_000)).toEqual({ label: expect.stringMatching(/^as of \d\d:00:00 \(3 min ago\)$/), late: true });
    expect(asOf('2026-12-06T10:00:00Z', at + 7_200_000).label).toMatch(/\(2 h ago\)$/);
  });
});

describe('healthWindowEnd', () => {
  it('floors the topology time to the step, so refreshes within a step ask for the same window', () => {
    expect(healthWindowEnd('2026-12-06T23:30:05.123Z')).toBe('2026-12-06T23:30:00.000Z');
    expect(healthWindowEnd('2026-12-06T23:30:59.999Z')).toBe('2026-12-06T23:30:00.000Z');
    expect(healthWindowEnd('2026-12-06T23:31:00Z')).toBe('2026-12-06T23:31:00.000Z');
    expect(healthWindowEnd('2026-12-06T23:31:40Z', 30)).toBe('2026-12-06T23:31:30.000Z');
  });

  it('leaves the end to the server without a time', () => {
    expect(healthWindowEnd(undefined)).toBeUndefined();
    expect(healthWindowEnd('not a time')).toBeUndefined();
  });
});
