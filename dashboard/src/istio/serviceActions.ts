// Which Istio resources apply to a service, and the traffic actions offered on its page.

export interface TrafficAction {
  template: string;
  title: string;
  /** Appended to the service name for the new resource's name. */
  suffix: string;
  /** Which of name/namespace/host/app the template takes. */
  parameters: string[];
}

const HOSTED = ['name', 'namespace', 'host'];
const SELECTED = ['name', 'namespace', 'app'];

export const TRAFFIC_ACTIONS: TrafficAction[] = [
  { template: 'virtualservice/weighted-routes', title: 'Routing (weights)', suffix: 'routing', parameters: HOSTED },
  { template: 'virtualservice/http-match', title: 'Routing (match)', suffix: 'match', parameters: HOSTED },
  { template: 'virtualservice/fault-abort', title: 'Fault injection: abort', suffix: 'fault', parameters: HOSTED },
  { template: 'virtualservice/fault-delay', title: 'Fault injection: delay', suffix: 'delay', parameters: HOSTED },
  { template: 'virtualservice/mirror', title: 'Mirroring', suffix: 'mirror', parameters: HOSTED },
  { template: 'virtualservice/timeout', title: 'Timeout', suffix: 'timeout', parameters: HOSTED },
  { template: 'virtualservice/retry', title: 'Retries', suffix: 'retry', parameters: HOSTED },
  { template: 'destinationrule/subsets', title: 'Subsets', suffix: 'subsets', parameters: HOSTED },
  { template: 'destinationrule/outlier-detection', title: 'Circuit breaking', suffix: 'circuit-breaker', parameters: HOSTED },
  { template: 'destinationrule/connection-pool', title: 'Connection pool', suffix: 'connection-pool', parameters: HOSTED },
  { template: 'peerauthentication/mtls', title: 'mTLS', suffix: 'mtls', parameters: SELECTED },
  { template: 'peerauthentication/port-mtls', title: 'mTLS of a port', suffix: 'port-mtls', parameters: SELECTED },
];

interface Resource {
  kind: string;
  namespace: string;
  spec: string;
}

/** Whether a host as written in a resource of `resourceNamespace` names service `name` of `namespace`. */
export function namesService(host: string, resourceNamespace: string, namespace: string, name: string): boolean {
  const fqdn = `${name}.${namespace}.svc.cluster.local`;
  if (host === fqdn || host === `${name}.${namespace}` || host === `${name}.${namespace}.svc`) return true;
  return host === name && resourceNamespace === namespace;
}

/** VirtualServices routing to or for the service, DestinationRules for its host, policies selecting its app. */
export function appliesToService(r: Resource, namespace: string, name: string, app: string): boolean {
  const spec = JSON.parse(r.spec || '{}');
  if (r.kind === 'VirtualService') {
    const hosts: string[] = spec.hosts ?? [];
    const destinations: string[] = ['http', 'tcp', 'tls'].flatMap((k) => (spec[k] ?? []).flatMap((route: { route?: { destination?: { host?: string } }[] }) =>
      (route.route ?? []).map((d) => d.destination?.host ?? '')));
    return [...hosts, ...destinations].some((h) => namesService(h, r.namespace, namespace, name));
  }
  if (r.kind === 'DestinationRule') return namesService(spec.host ?? '', r.namespace, namespace, name);
  if (r.kind === 'PeerAuthentication' || r.kind === 'AuthorizationPolicy') {
    const labels = spec.selector?.matchLabels ?? {};
    return r.namespace === namespace && (Object.keys(labels).length === 0 || labels.app === app);
  }
  return false;
}
