import { describe, expect, it } from 'vitest';
import { grafanaPath, toolUrl, traceUiPath } from './tools';

const dashboards = import.meta.glob<string>('../../operator/src/main/resources/io/smm/operator/grafana/*.json',
  { query: '?raw', import: 'default', eager: true });

describe('links into the proxied tools', () => {
  it('a Grafana link names a shipped dashboard and only variables it declares', () => {
    const path = grafanaPath('service', { namespace: 'smm-demo', service: 'payments' });
    expect(path).toBe('/grafana/d/smm-service/?var-namespace=smm-demo&var-service=payments&from=now-30m&to=now');
    const uids = Object.values(dashboards).map((d) => JSON.parse(d) as { uid: string; templating: { list: { name: string }[] } });
    const service = uids.find((d) => d.uid === 'smm-service');
    expect(service).toBeDefined();
    expect(service!.templating.list.map((v) => v.name).sort()).toEqual(['namespace', 'service']);
    const workload = uids.find((d) => d.uid === 'smm-workload');
    expect(workload!.templating.list.map((v) => v.name).sort()).toEqual(['namespace', 'workload']);
    const slo = uids.find((d) => d.uid === 'smm-slo');
    expect(slo!.templating.list.map((v) => v.name).sort()).toEqual(['namespace', 'slo']);
    expect(uids.map((d) => d.uid).sort()).toEqual(['smm-control-plane', 'smm-mesh', 'smm-service', 'smm-slo', 'smm-workload']);
  });

  it('a trace opens in the UI of the API the backend found', () => {
    expect(traceUiPath('zipkin', 'abc')).toBe('/zipkin/traces/abc');
    expect(traceUiPath('jaeger', 'abc')).toBe('/jaeger/trace/abc');
  });

  it('the tools port is on the dashboard\'s host', () => {
    expect(toolUrl({ protocol: 'https:', hostname: 'smm.example.com' }, 50501, '/open?ticket=x')).toBe('https://smm.example.com:50501/open?ticket=x');
  });
});
