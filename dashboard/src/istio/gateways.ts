// The Gateways page's rows: IstioMeshGateways with their Service's open ports, the hosts of the
// Gateways that configure them and the VirtualServices bound to those Gateways (seed 2.5.6 columns).

export interface ResourceLike {
  kind: string;
  namespace: string;
  name: string;
  spec: string;
  status: string | null;
  yaml?: string;
  /** Gateways: each TLS server's credential and whether its certificate is in place. */
  credentials?: GatewayCredential[];
}

export interface GatewayCredential {
  port: number;
  credentialName: string;
  ready: boolean;
  notAfter: string | null;
  message: string | null;
}

/** One row of a gateway's Ports & Hosts: a server of a Gateway that configures it. */
export interface EntryPointRow {
  gateway: ResourceLike;
  port: number;
  protocol: string;
  hosts: string[];
  tls: string;
  /** For a TLS server with a credentialName: ready (the check mark) or waiting, with why; null without one. */
  certificate: { ready: boolean; detail: string } | null;
}

export interface GatewayRow {
  name: string;
  namespace: string;
  type: string;
  ports: string[];
  hosts: string[];
  routes: number;
  status: string;
  entryPoints: EntryPointRow[];
  virtualServices: ResourceLike[];
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** The seed's check mark: the server's certificate is in place (until when), or why it is not yet. */
function certificateOf(g: ResourceLike, port: number, credentialName: string | undefined): EntryPointRow['certificate'] {
  if (!credentialName) return null;
  const c = (g.credentials ?? []).find((x) => x.port === port && x.credentialName === credentialName);
  if (!c) return null;
  return c.ready ? { ready: true, detail: `certificate valid until ${c.notAfter?.slice(0, 10) ?? '?'}` }
    : { ready: false, detail: c.message ?? 'certificate not ready' };
}

export function gatewayRows(resources: ResourceLike[]): GatewayRow[] {
  const gateways = resources.filter((r) => r.kind === 'Gateway');
  const virtualServices = resources.filter((r) => r.kind === 'VirtualService');
  return resources.filter((r) => r.kind === 'IstioMeshGateway').map((mg) => {
    const spec = JSON.parse(mg.spec);
    const type = spec.type ?? '';
    // The operator labels gateway pods app/gateway-name/gateway-type (Istio operator's convention).
    const podLabels: Record<string, string> = { app: mg.name, 'gateway-name': mg.name, 'gateway-type': type };
    const configuring = gateways.filter((g) => labelsMatch(JSON.parse(g.spec).selector ?? {}, podLabels));
    const hosts = new Set<string>();
    const entryPoints: EntryPointRow[] = [];
    for (const g of configuring) {
      for (const server of JSON.parse(g.spec).servers ?? []) {
        (server.hosts ?? []).forEach((h: string) => hosts.add(h));
        const tls = server.tls ? (server.tls.credentialName ? `${server.tls.mode ?? ''} ${server.tls.credentialName}`.trim() : server.tls.mode ?? '')
          : '';
        entryPoints.push({ gateway: g, port: server.port?.number, protocol: server.port?.protocol ?? '', hosts: server.hosts ?? [], tls,
          certificate: certificateOf(g, server.port?.number, server.tls?.credentialName) });
      }
    }
    // Open ports are the gateway Service's, whether or not a Gateway configures them yet.
    const ports = new Set<string>((spec.service?.ports ?? []).map((p: { port: number; protocol?: string }) =>
      `${p.port}/${p.protocol ?? 'TCP'}`));
    const refs = new Set(configuring.flatMap((g) => [`${g.namespace}/${g.name}`]));
    const bound = virtualServices.filter((vs) => (JSON.parse(vs.spec).gateways ?? []).some((ref: string) =>
      refs.has(ref.includes('/') ? ref : `${vs.namespace}/${ref}`)));
    const status = mg.status ? (JSON.parse(mg.status).Status ?? 'Unknown') : 'Unknown';
    return { name: mg.name, namespace: mg.namespace, type, ports: [...ports].sort(), hosts: [...hosts].sort(), routes: bound.length, status,
      entryPoints, virtualServices: bound };
  });
}

/** The traffic a gateway sends into the mesh, as its own (source-reported) requests over the last minute. */
export interface GatewayTraffic {
  requestsPerSecond: number | null;
  errorRatio: number | null;
}

type SignalsAnswer = { outbound: { requestsPerSecond: number; errorRatio: number }[]; errors: string[] };

/** Per "namespace/name": the newest point, or nulls when Prometheus could not answer for it. */
export function trafficByGateway(rows: Pick<GatewayRow, 'namespace' | 'name'>[], data: Record<string, SignalsAnswer>):
  Map<string, GatewayTraffic> {
  const out = new Map<string, GatewayTraffic>();
  rows.forEach((g, i) => {
    const answer = data[`g${i}`];
    const last = answer && answer.errors.length === 0 ? answer.outbound[answer.outbound.length - 1] : undefined;
    out.set(`${g.namespace}/${g.name}`, answer && answer.errors.length === 0
      ? { requestsPerSecond: last?.requestsPerSecond ?? 0, errorRatio: last?.errorRatio ?? 0 }
      : { requestsPerSecond: null, errorRatio: null });
  });
  return out;
}
