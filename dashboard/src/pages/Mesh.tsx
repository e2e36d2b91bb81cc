import { Empty, ErrorState, Loading } from '../components/States';
import { bytes, cores } from '../format';
import { useQuery } from '../useQuery';

interface ControlPlane {
  name: string;
  namespace: string;
  revision: string;
  version: string;
  status: string;
  proxies: number;
  proxiesNotReady: number;
  proxyCpuCores: number | null;
  proxyMemoryBytes: number | null;
  outboundTrafficPolicy: string;
  autoMtls: boolean;
}

/** The Mesh page: Istio control planes, their proxies and mesh-wide settings. */
export function Mesh() {
  const [state, retry] = useQuery<{ controlPlanes: ControlPlane[] }>(
    'query { controlPlanes { name namespace revision version status proxies proxiesNotReady proxyCpuCores proxyMemoryBytes outboundTrafficPolicy autoMtls } }',
  );
  if (state.status === 'loading') return <Loading what="control planes" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const cps = state.data.controlPlanes;
  if (cps.length === 0) return <Empty>No Istio control plane is installed (run smm install).</Empty>;
  return (
    <table className="table" data-testid="control-planes">
      <thead>
        <tr><th>Control plane</th><th>Revision</th><th>Istio version</th><th>Status</th><th>Proxies</th><th>Not running</th><th title="CPU the sidecars use (last minute)">Proxy CPU</th><th title="Working set of the sidecars">Proxy memory</th><th>Outbound traffic</th><th>Automatic mTLS</th></tr>
      </thead>
      <tbody>
        {cps.map((c) => (
          <tr key={c.revision}>
            <td>{c.namespace}/{c.name}</td>
            <td>{c.revision}</td>
            <td>{c.version}</td>
            <td>{c.status}</td>
            <td>{c.proxies}</td>
            <td className={c.proxiesNotReady > 0 ? 'warn' : undefined}>{c.proxiesNotReady}</td>
            <td data-testid="proxy-cpu">{cores(c.proxyCpuCores)}</td>
            <td data-testid="proxy-memory">{bytes(c.proxyMemoryBytes)}</td>
            <td>{c.outboundTrafficPolicy}</td>
            <td>{c.autoMtls ? 'on' : 'off'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
