import { describe, expect, it } from 'vitest';
import { collapseNamespaces, collapsedByDefault, COLLAPSE_ABOVE, elements, findNodes, type Topology, type TopologyEdge, type TopologyNode } from './model';

const node = (ns: string, name: string, over: Partial<TopologyNode> = {}): TopologyNode => ({
  id: `workload:c1/${ns}/${name}`, type: 'WORKLOAD', cluster: 'c1', namespace: ns, name, app: name, version: 'v1', idle: false, health: null, ...over,
});
const edge = (source: TopologyNode, target: TopologyNode, over: Partial<TopologyEdge> = {}): TopologyEdge => ({
  source: source.id, target: target.id, protocol: 'http', requestsPerSecond: 10, errorRatio: 0, p50Ms: 5, p95Ms: 50, p99Ms: 90,
  tcpSentBytesPerSecond: 0, tcpReceivedBytesPerSecond: 0, mtls: 1, responseCodes: [{ code: '200', requestsPerSecond: 10 }], ...over,
});
const health = (status: 'HEALTHY' | 'FAILURE', reasons: string[] = []) =>
  ({ time: '', score: status === 'HEALTHY' ? 1 : 0, status, requestsPerSecond: 1, errorRatio: 0, p95Ms: null, reasons });

const front = node('web', 'front');
const cart = node('shop', 'cart', { health: health('HEALTHY') });
const pay = node('shop', 'pay', { health: health('FAILURE', ['error rate 20%']) });
const db = node('shop', 'db', { idle: true });
const t: Topology = {
  time: '', windowSeconds: 60, errors: [], telemetry: 'RECORDED',
  nodes: [front, cart, pay, db],
  edges: [
    edge(front, cart, { requestsPerSecond: 30, errorRatio: 0, p95Ms: 40, responseCodes: [{ code: '200', requestsPerSecond: 30 }] }),
    edge(front, pay, { requestsPerSecond: 10, errorRatio: 0.2, p95Ms: 400, mtls: 0, responseCodes: [{ code: '200', requestsPerSecond: 8 }, { code: '503', requestsPerSecond: 2 }] }),
    edge(cart, pay, { requestsPerSecond: 5 }),
  ],
};

describe('collapsed namespaces', () => {
  it('draws a collapsed namespace as one node with its worst health, and sums the edges into it', () => {
    const c = collapseNamespaces(t, new Set(['web']));
    expect(c.nodes.map((n) => n.id)).toEqual([front.id, 'namespace:c1/shop']);
    const shop = c.nodes[1];
    expect(shop).toMatchObject({ type: 'NAMESPACE', name: 'shop', members: 3, idle: false });
    expect(shop.health?.status).toBe('FAILURE');
    expect(shop.health?.reasons).toEqual(['pay: error rate 20%']);
    expect(c.edges).toHaveLength(1); // cart -> pay is inside shop
    const e = c.edges[0];
    expect(e).toMatchObject({ source: front.id, target: 'namespace:c1/shop', requestsPerSecond: 40, p95Ms: 400 });
    expect(e.errorRatio).toBeCloseTo(0.05); // 2 of 40 requests
    expect(e.mtls).toBeCloseTo(0.75);
    expect(e.responseCodes).toEqual([{ code: '200', requestsPerSecond: 38 }, { code: '503', requestsPerSecond: 2 }]);
    expect(elements(c, 'rate').find((x) => x.data.id === 'namespace:c1/shop')?.data.label).toBe('shop (3)');
  });

  it('leaves expanded namespaces and the original graph as they are', () => {
    const all = collapseNamespaces(t, new Set(['web', 'shop']));
    expect(all.nodes).toEqual(t.nodes);
    expect(all.edges).toEqual(t.edges);
    collapseNamespaces(t, new Set());
    expect(t.edges[0].requestsPerSecond).toBe(30);
  });

  it('opens collapsed only above the threshold and with more than one namespace', () => {
    const many = (namespaces: number) => ({ nodes: Array.from({ length: COLLAPSE_ABOVE + 1 }, (_, i) => node(`ns${i % namespaces}`, `w${i}`)) });
    expect(collapsedByDefault(t)).toBe(false);
    expect(collapsedByDefault(many(10))).toBe(true);
    expect(collapsedByDefault(many(1))).toBe(false);
  });

  it('finds nodes by name or namespace/name, exact names first', () => {
    const more = { nodes: [...t.nodes, node('shop', 'cart-admin')] };
    expect(findNodes(more, 'cart').map((n) => n.name)).toEqual(['cart', 'cart-admin']);
    expect(findNodes(more, 'shop/P').map((n) => n.name)).toEqual(['pay']);
    expect(findNodes(more, '  ')).toEqual([]);
  });
});
