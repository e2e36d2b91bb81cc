import { describe, expect, it } from 'vitest';
import type { Health } from '../topology/model';
import { namespaceHealth, stepFor } from './model';

const h = (time: string, status: Health['status']): Health => ({ time, status, score: status === 'FAILURE' ? 0.2 : 1, requestsPerSecond: 1, errorRatio: 0, p95Ms: null, reasons: [] });

describe('overview timelines', () => {
  it('draws at most 120 points, in whole minutes', () => {
    expect(stepFor(900)).toBe(60);
    expect(stepFor(3600)).toBe(60);
    expect(stepFor(3 * 3600)).toBe(120);
    expect(stepFor(86400)).toBe(720);
  });

  it('a namespace is as healthy as its worst service with traffic, step by step', () => {
    const rows = namespaceHealth([
      { id: 'service:c/shop/payments', timeline: [h('t1', 'HEALTHY'), h('t2', 'FAILURE')] },
      { id: 'service:c/shop/catalog', timeline: [h('t1', 'NO_TRAFFIC'), h('t2', 'DEGRADED')] },
      { id: 'workload:c/shop/payments-v1', timeline: [h('t1', 'FAILURE'), h('t2', 'FAILURE')] },
      { id: 'service:c/blog/posts', timeline: [h('t1', 'NO_TRAFFIC'), h('t2', 'NO_TRAFFIC')] },
    ]);
    expect(rows.map((r) => r.namespace)).toEqual(['blog', 'shop']);
    expect(rows[1].timeline.map((s) => s.status)).toEqual(['HEALTHY', 'FAILURE']);
    expect(rows[1].timeline[1].reasons).toEqual(['1 failing', '1 degraded']);
    expect(rows[0].timeline.map((s) => s.status)).toEqual(['NO_TRAFFIC', 'NO_TRAFFIC']);
  });
});
