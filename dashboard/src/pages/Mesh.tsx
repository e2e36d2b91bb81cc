import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../components/States';
import { FindingsTable, type Report } from '../components/ValidationIssues';
import { bytes, cores } from '../format';
import { VALIDATION_QUERY, findingSummary } from '../istio/model';
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
  const [validation] = useQuery<{ validationIssues: Report }>(VALIDATION_QUERY);
  const [shown, setShown] = useState<string | null>(null);
  if (state.status === 'loading') return <Loading what="control planes" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const cps = state.data.controlPlanes;
  if (cps.length === 0) return <Empty>No Istio control plane is installed (run smm install).</Empty>;
  const findings = validation.status === 'ok' ? validation.data.validationIssues.findings : [];
  const ofRevision = (revision: string) => findings.filter((f) => f.istioRevision === revision);
  return (
    <>
    <table className="table" data-testid="control-planes">
      <thead>
        <tr><th>Control plane</th><th>Revision</th><th>Istio version</th><th>Status</th><th>Proxies</th><th>Not running</th><th title="CPU the sidecars use (last minute)">Proxy CPU</th><th title="Working set of the sidecars">Proxy memory</th><th>Outbound traffic</th><th>Automatic mTLS</th><th>Validations</th></tr>
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
            <td>
              {validation.status === 'ok' ? (
                <button type="button" className="link" data-testid={`validations-${c.revision}`}
                  onClick={() => setShown(shown === c.revision ? null : c.revision)}>
                  {findingSummary(ofRevision(c.revision)) || 'none'}
                </button>
              ) : validation.status === 'error' ? 'unavailable' : '…'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    {shown && (
      <section data-testid="control-plane-validations">
        <h2>Validations of {shown}</h2>
        {ofRevision(shown).length === 0 ? <Empty>No validation issue on this control plane.</Empty> : <FindingsTable findings={ofRevision(shown)} />}
      </section>
    )}
    </>
  );
}
