import { describe, expect, it } from 'vitest';
import { hashFor, listParam, paramsFromHash } from './urlState';

describe('url state', () => {
  it('round-trips page params through the hash, leaving empty ones out', () => {
    const hash = hashFor('topology', { ns: 'smm-demo,shop', label: 'p95', node: '', time: '2026-11-25T14:00:00Z' });
    expect(hash).toBe('#/topology?label=p95&ns=smm-demo%2Cshop&time=2026-11-25T14%3A00%3A00Z');
    const params = paramsFromHash(hash);
    expect(params).toEqual({ label: 'p95', ns: 'smm-demo,shop', time: '2026-11-25T14:00:00Z' });
    expect(listParam(params.ns)).toEqual(['smm-demo', 'shop']);
  });

  it('reads no params from a bare page hash', () => {
    expect(paramsFromHash('#/services')).toEqual({});
    expect(listParam(undefined)).toEqual([]);
  });
});
