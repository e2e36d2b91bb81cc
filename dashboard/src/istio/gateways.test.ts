import { describe, expect, it } from 'vitest';
import { gatewayRows } from './gateways';

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
});
