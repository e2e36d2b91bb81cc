import { describe, expect, it } from 'vitest';
import { alertSummary, burnRate, consumed, suggestedName } from './model';

describe('SLO wording', () => {
  it('writes burn rates and budget like the seed', () => {
    expect(burnRate(14.4)).toBe('14.4x');
    expect(burnRate(0.5)).toBe('0.50x');
    expect(burnRate(null)).toBe('–');
    expect(consumed(4)).toBe('400%');
    expect(consumed(0.012)).toBe('1.2%');
  });

  it('lists only active alerts', () => {
    expect(alertSummary([{ policy: 'page-fast-burn', severity: 'page', state: 'firing' }, { policy: 'ticket', severity: 'ticket', state: 'inactive' }])).toBe('page firing (page-fast-burn)');
    expect(alertSummary([])).toBe('none');
  });

  it('suggests a name from the service and the template kind', () => {
    expect(suggestedName('payments', { name: 't', namespace: 'n', kind: 'latency', description: '', parameters: [] })).toBe('payments-latency');
  });
});
