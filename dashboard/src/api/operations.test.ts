import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './operations';

/** The variables of each GraphQL request sent, answered with an empty topology. */
function recordRequests() {
  const sent: Record<string, unknown>[] = [];
  vi.stubGlobal('fetch', async (_input: string, init: RequestInit) => {
    sent.push(JSON.parse(String(init.body)).variables);
    return new Response(JSON.stringify({ data: { topology: { nodes: [], edges: [], errors: [] } } }));
  });
  return sent;
}

describe('topology operation', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('tells the backend how often a LIVE view is refreshed, and nothing for a TIMELINE instant', async () => {
    const sent = recordRequests();
    await api.topology(['shop'], '', 'WORKLOAD', 15);
    await api.topology(['shop'], '2026-12-01T10:00:00Z', 'WORKLOAD', 15);
    await api.topology([], '', 'APP');
    expect(sent.map((v) => v.refresh)).toEqual([15, null, null]);
    expect(sent[1].time).toBe('2026-12-01T10:00:00Z');
  });
});
