import { describe, expect, it } from 'vitest';
import { shortService, waterfall, type TraceDetail, type TraceSpan } from './model';

const span = (id: string, parentId: string | null, offsetMs: number, durationMs: number, service = 'x.smm-demo'): TraceSpan => ({
  id, parentId, service, caller: null, name: `${service}:8080/*`, offsetMs, durationMs, serverDurationMs: null, error: false,
  statusCode: '200', responseFlags: '-', requestId: null,
});

describe('the trace waterfall', () => {
  const trace: TraceDetail = {
    traceId: 't', start: '2026-12-06T12:00:00Z', durationMs: 200, error: false,
    spans: [span('a', null, 0, 200), span('b', 'a', 10, 150), span('c', 'b', 20, 100), span('d', 'a', 170, 20), span('e', 'gone', 50, 10)],
  };

  it('nests each span one deeper than its parent; an orphan starts over at the top', () => {
    expect(waterfall(trace).map((r) => [r.span.id, r.depth])).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 1], ['e', 0]]);
  });

  it('places bars on the trace\'s time axis', () => {
    const rows = waterfall(trace);
    expect(rows[0]).toMatchObject({ leftPct: 0, widthPct: 100 });
    expect(rows[2]).toMatchObject({ leftPct: 10, widthPct: 50 });
    expect(rows[3]).toMatchObject({ leftPct: 85, widthPct: 10 });
  });

  it('keeps a tiny span visible and a bar inside the axis', () => {
    const rows = waterfall({ ...trace, spans: [span('a', null, 0, 0.001), span('b', 'a', 199, 50)] });
    expect(rows[0].widthPct).toBe(0.5);
    expect(rows[1].leftPct + rows[1].widthPct).toBeLessThanOrEqual(100);
  });

  it('names a service without its namespace', () => {
    expect(shortService('payments.smm-demo')).toBe('payments');
    expect(shortService('plain')).toBe('plain');
  });
});
