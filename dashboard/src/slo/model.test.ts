import { describe, expect, it } from 'vitest';
import { alertSummary, budgetText, burnRate, consumed, seconds, suggestedName, timeToAlertSeconds, type Policy } from './model';

describe('SLO wording', () => {
  it('writes burn rates and budget like the seed', () => {
    expect(burnRate(14.4)).toBe('14.4x');
    expect(burnRate(0.5)).toBe('0.50x');
    expect(burnRate(null)).toBe('–');
    expect(consumed(4)).toBe('400%');
    expect(consumed(0.012)).toBe('1.2%');
    // 8 minutes into a 30-day window: labelled as what it is.
    expect(budgetText({ budgetConsumed: 93.37, periodSeconds: 30 * 86400, dataSeconds: 480, period: '30d' }))
      .toBe('9337% at the rate of the first 8m (8m of 30d recorded)');
    expect(budgetText({ budgetConsumed: 0.5, periodSeconds: 86400, dataSeconds: 86400, period: 'day' })).toBe('50%');
    expect(budgetText({ budgetConsumed: null, periodSeconds: 86400, dataSeconds: 60, period: 'day' })).toBe('–');
  });

  it('lists only active alerts', () => {
    const quiet = { threshold: null, lookBackWindow: '', secondaryWindow: '', conditionMetDuration: '' };
    expect(alertSummary([{ policy: 'page-fast-burn', severity: 'page', state: 'firing', ...quiet }, { policy: 'ticket', severity: 'ticket', state: 'inactive', ...quiet }])).toBe('page firing (page-fast-burn)');
    expect(alertSummary([])).toBe('none');
  });

  it('suggests a name from the service and the template kind', () => {
    expect(suggestedName('payments', { name: 't', namespace: 'n', kind: 'latency', description: '', parameters: [] })).toBe('payments-latency');
  });
});

describe('alerting strategy', () => {
  const fast: Policy = { policy: 'page-fast-burn', severity: 'page', state: 'inactive', threshold: 14.4, lookBackWindow: '1h', secondaryWindow: '5m', conditionMetDuration: '2m' };

  it('reads Prometheus durations', () => {
    expect(seconds('1h')).toBe(3600);
    expect(seconds('1008m')).toBe(60480);
    expect(seconds('1h30m')).toBe(5400);
    expect(seconds('soon')).toBeNaN();
  });

  it('alerts sooner on bigger outages, never on ones below the threshold', () => {
    // 99.9%: 14.4 x 0.001 = 1.44% errors over 1h. A full outage crosses it after 51.84 s, plus 2m held.
    expect(timeToAlertSeconds(fast, 0.001, 1)).toBeCloseTo(51.84 + 120, 6);
    // At exactly the threshold it takes the whole hour.
    expect(timeToAlertSeconds(fast, 0.001, 0.0144)).toBeCloseTo(3600 + 120, 6);
    expect(timeToAlertSeconds(fast, 0.001, 0.01)).toBeNull();
  });
});
