import { describe, expect, it } from 'vitest';
import { appendRows, duration, failed, filterInput, statusText, visibleWindow, type TapEntry, type TapForm } from './model';

const form = (f: Partial<TapForm>): TapForm => ({ namespace: 'smm-demo', workload: '', direction: '', method: '', codes: '', destination: '', path: '', header: '', protocol: '', grpcStatus: '', ...f });

describe('tap filter', () => {
  it('needs a reporting source', () => {
    expect(filterInput(form({ namespace: '' })).ok).toBe(false);
  });

  it('turns the form into the server-side filter', () => {
    expect(filterInput(form({ workload: 'bookings-v1', codes: '500-599', method: 'GET', path: '/api' }))).toEqual({
      ok: true,
      filter: { kind: 'WORKLOAD', namespace: 'smm-demo', name: 'bookings-v1', minResponseCode: 500, maxResponseCode: 599, method: 'GET', pathPrefix: '/api' },
    });
    expect(filterInput(form({ codes: '503' }))).toEqual({ ok: true, filter: { kind: 'NAMESPACE', namespace: 'smm-demo', minResponseCode: 503, maxResponseCode: 503 } });
  });

  it('passes gRPC statuses to the server', () => {
    expect(filterInput(form({ grpcStatus: 'Internal,14' }))).toEqual({ ok: true, filter: { kind: 'NAMESPACE', namespace: 'smm-demo', grpcStatus: 'Internal,14' } });
  });

  it('shows gRPC failures inside HTTP 200 as Envoy logs them, and as failures', () => {
    const grpc = (code: number, grpcStatus: string | null) => ({ code, grpcStatus, flags: '-', bytes: 0, durationNanos: 0 });
    expect(statusText(grpc(200, '13'))).toBe('200 Internal');
    expect(statusText(grpc(200, '0'))).toBe('200 OK');
    expect(statusText(grpc(503, null))).toBe('503');
    expect(failed(grpc(200, '13'))).toBe(true);
    expect(failed(grpc(200, '0'))).toBe(false);
    expect(failed(grpc(404, null))).toBe(false);
  });

  it('says what is wrong with a status range', () => {
    expect(filterInput(form({ codes: 'lots' }))).toEqual({ ok: false, message: 'Status codes: one code or a range such as 500-599.' });
    expect(filterInput(form({ codes: '599-500' }))).toEqual({ ok: false, message: 'Status codes: 599 is above 500.' });
  });
});

describe('tap table', () => {
  const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ time: String(from + i) }) as TapEntry);

  it('keeps only the newest rows', () => {
    const kept = appendRows(rows(8), rows(4, 8), 10);
    expect(kept.map((r) => r.time)).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  });

  it('renders only the rows in view, plus a few around them', () => {
    expect(visibleWindow(0, 480, 24, 10000)).toEqual({ first: 0, count: 25 });
    expect(visibleWindow(24 * 1000, 480, 24, 10000)).toEqual({ first: 995, count: 30 });
    expect(visibleWindow(24 * 9990, 480, 24, 10000)).toEqual({ first: 9985, count: 15 });
  });

  it('prints durations like the CLI', () => {
    expect(duration(173_099)).toBe('173µs');
    expect(duration(121_499_879)).toBe('121.5ms');
  });
});
