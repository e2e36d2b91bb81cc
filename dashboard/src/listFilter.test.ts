import { describe, expect, it } from 'vitest';
import { filterOf, passes } from './listFilter';
import type { Health } from './topology/model';

const at = (status: Health['status']): Health[] => [
  { time: 't0', score: 1, status: 'HEALTHY', requestsPerSecond: 1, errorRatio: 0, p95Ms: 5, reasons: [] },
  { time: 't1', score: 0.2, status, requestsPerSecond: 1, errorRatio: 0.5, p95Ms: 5, reasons: [] },
];

describe('list filters', () => {
  it('reads q= and health= from the URL and ignores an unknown status', () => {
    expect(filterOf({ q: 'pay', health: 'failure' })).toEqual({ text: 'pay', health: 'FAILURE' });
    expect(filterOf({ health: 'bogus' })).toEqual({ text: '', health: '' });
  });

  it('matches on a name part and the latest health, not an earlier one', () => {
    expect(passes('payments', at('FAILURE'), { text: 'PAY', health: '' })).toBe(true);
    expect(passes('catalog', at('FAILURE'), { text: 'pay', health: '' })).toBe(false);
    expect(passes('payments', at('FAILURE'), { text: '', health: 'FAILURE' })).toBe(true);
    expect(passes('payments', at('FAILURE'), { text: '', health: 'HEALTHY' })).toBe(false);
    expect(passes('idle', undefined, { text: '', health: 'UNKNOWN' })).toBe(true);
  });
});
