import { describe, expect, it } from 'vitest';
import { appliesToService, namesService } from './serviceActions';

describe('namesService', () => {
  it('resolves short names in the resource namespace only', () => {
    expect(namesService('payments', 'smm-demo', 'smm-demo', 'payments')).toBe(true);
    expect(namesService('payments', 'other', 'smm-demo', 'payments')).toBe(false);
    expect(namesService('payments.smm-demo.svc.cluster.local', 'other', 'smm-demo', 'payments')).toBe(true);
    expect(namesService('payments.smm-demo', 'other', 'smm-demo', 'payments')).toBe(true);
  });
});

describe('appliesToService', () => {
  const vs = (spec: object) => ({ kind: 'VirtualService', namespace: 'smm-demo', spec: JSON.stringify(spec) });
  it('finds VirtualServices by host and by destination, DestinationRules by host, policies by app or namespace-wide', () => {
    expect(appliesToService(vs({ hosts: ['payments'] }), 'smm-demo', 'payments', 'payments')).toBe(true);
    expect(appliesToService(vs({ hosts: ['web'], http: [{ route: [{ destination: { host: 'payments' } }] }] }), 'smm-demo', 'payments', 'payments')).toBe(true);
    expect(appliesToService(vs({ hosts: ['bookings'] }), 'smm-demo', 'payments', 'payments')).toBe(false);
    expect(appliesToService({ kind: 'DestinationRule', namespace: 'smm-demo', spec: '{"host":"payments"}' }, 'smm-demo', 'payments', 'payments')).toBe(true);
    const pa = (labels: object) => ({ kind: 'PeerAuthentication', namespace: 'smm-demo', spec: JSON.stringify({ selector: { matchLabels: labels } }) });
    expect(appliesToService(pa({ app: 'payments' }), 'smm-demo', 'payments', 'payments')).toBe(true);
    expect(appliesToService(pa({ app: 'catalog' }), 'smm-demo', 'payments', 'payments')).toBe(false);
    expect(appliesToService(pa({}), 'smm-demo', 'payments', 'payments')).toBe(true);
  });
});
