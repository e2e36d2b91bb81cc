import { describe, expect, it } from 'vitest';
import { gatewayTraffic } from '../api/documents';
import { gatewayRows, trafficByGateway } from './gateways';

describe('gatewayRows', () => {
  it('joins mesh gateways with their Gateways and the VirtualServices bound to them', () => {
    const rows = gatewayRows([
      { kind: 'IstioMeshGateway', namespace: 'istio-system', name: 'demo-gw', spec: '{"type":"ingress","service":{"ports":[{"port":443,"protocol":"TCP"},{"port":80}]}}', status: '{"Status":"Available"}' },
      { kind: 'Gateway', namespace: 'istio-system', name: 'web', status: null,
        spec: '{"selector":{"gateway-name":"demo-gw"},"servers":[{"port":{"number":80,"protocol":"HTTP"},"hosts":["a.example.com","b.example.com"]}]}' },
      { kind: 'Gateway', namespace: 'istio-system', name: 'other', status: null,
        spec: '{"selector":{"gateway-name":"other-gw"},"servers":[{"port":{"number":81,"protocol":"HTTP"},"hosts":["c.example.com"]}]}' },
      { kind: 'VirtualService', namespace: 'smm-demo', name: 'front', status: null, spec: '{"gateways":["istio-system/web"]}' },
      { kind: 'VirtualService', namespace: 'istio-system', name: 'local', status: null, spec: '{"gateways":["web"]}' },
      { kind: 'VirtualService', namespace: 'smm-demo', name: 'mesh', status: null, spec: '{"gateways":["mesh"]}' },
    ]);
    expect(rows).toHaveLength(1);
    const { entryPoints, virtualServices, ...summary } = rows[0];
    expect(summary).toEqual({ name: 'demo-gw', namespace: 'istio-system', type: 'ingress', ports: ['443/TCP', '80/TCP'],
      hosts: ['a.example.com', 'b.example.com'], routes: 2, status: 'Available' });
    expect(entryPoints.map((e) => [e.gateway.name, e.port, e.protocol, e.hosts, e.tls])).toEqual([['web', 80, 'HTTP', ['a.example.com', 'b.example.com'], '']]);
    expect(virtualServices.map((v) => v.name)).toEqual(['front', 'local']);
  });

  it('marks a TLS server whose certificate is in place, and says why one is not yet', () => {
    const rows = gatewayRows([
      { kind: 'IstioMeshGateway', namespace: 'istio-system', name: 'demo-gw', spec: '{"type":"ingress"}', status: null },
      { kind: 'Gateway', namespace: 'istio-system', name: 'tls', status: null,
        spec: '{"selector":{"gateway-name":"demo-gw"},"servers":[{"port":{"number":443,"protocol":"HTTPS"},"hosts":["a.example.org"],'
          + '"tls":{"mode":"SIMPLE","credentialName":"a-tls"}},{"port":{"number":8443,"protocol":"HTTPS"},"hosts":["b.example.org"],'
          + '"tls":{"mode":"SIMPLE","credentialName":"b-tls"}},{"port":{"number":80,"protocol":"HTTP"},"hosts":["*"]}]}',
        credentials: [
          { port: 443, credentialName: 'a-tls', ready: true, notAfter: '2027-03-06T10:00:00Z', message: null },
          { port: 8443, credentialName: 'b-tls', ready: false, notAfter: null, message: 'waiting for its certificate: Secret istio-system/b-tls not found' },
        ] },
    ]);
    expect(rows[0].entryPoints.map((e) => [e.port, e.tls, e.certificate])).toEqual([
      [443, 'SIMPLE a-tls', { ready: true, detail: 'certificate valid until 2027-03-06' }],
      [8443, 'SIMPLE b-tls', { ready: false, detail: 'waiting for its certificate: Secret istio-system/b-tls not found' }],
      [80, '', null],
    ]);
  });
});

describe('gateway traffic', () => {
  const rows = [{ namespace: 'istio-system', name: 'demo-gw' }, { namespace: 'smm-system', name: 'smm-ingressgateway' }];
  it('asks for every gateway in one request', () => {
    const q = gatewayTraffic(rows);
    expect(q).toContain('g0: goldenSignals(kind: WORKLOAD, namespace: "istio-system", name: "demo-gw"');
    expect(q).toContain('g1: goldenSignals(kind: WORKLOAD, namespace: "smm-system", name: "smm-ingressgateway"');
  });
  it('takes the newest point, zero without traffic, nothing when Prometheus failed', () => {
    const t = trafficByGateway(rows, {
      g0: { outbound: [{ requestsPerSecond: 1, errorRatio: 0 }, { requestsPerSecond: 12.5, errorRatio: 0.02 }], errors: [] },
      g1: { outbound: [], errors: ['Prometheus is unavailable'] },
    });
    expect(t.get('istio-system/demo-gw')).toEqual({ requestsPerSecond: 12.5, errorRatio: 0.02 });
    expect(t.get('smm-system/smm-ingressgateway')).toEqual({ requestsPerSecond: null, errorRatio: null });
    expect(trafficByGateway([rows[0]], { g0: { outbound: [], errors: [] } }).get('istio-system/demo-gw'))
      .toEqual({ requestsPerSecond: 0, errorRatio: 0 });
  });
});
