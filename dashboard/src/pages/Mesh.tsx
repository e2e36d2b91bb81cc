import { ControlPlaneDetail } from '../components/ControlPlaneDetail';
import { Empty, ErrorState, Loading } from '../components/States';
import { FindingsTable } from '../components/ValidationIssues';
import { bytes, cores } from '../format';
import { findingSummary } from '../istio/model';
import { rulesNote, type RulesNote } from '../mesh/recordingRules';
import type { Params } from '../urlState';
import { api, useApi } from '../api';

/** The Mesh page: clusters, Istio control planes with their proxies and mesh-wide settings; a click on one opens its drill-down (?cp=, validations ?validations=). */
export function Mesh({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const [state, retry] = useApi(api.controlPlanes, []);
  const [validation] = useApi(api.validation, []);
  const [clusters] = useApi(api.clusters, []);
  const shown = params.validations || null;
  const setShown = (revision: string | null) => setParams({ ...params, validations: revision ?? '' });
  const open = params.cp || '';
  if (state.status === 'loading') return <Loading what="control planes" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const cps = state.data;
  if (cps.length === 0) return <Empty>No Istio control plane is installed (run smm install).</Empty>;
  const findings = validation.status === 'ok' ? validation.data.findings : [];
  const ofRevision = (revision: string) => findings.filter((f) => f.istioRevision === revision);
  return (
    <>
    <h2>Clusters</h2>
    {clusters.status === 'ok' ? (
      <table className="table" data-testid="mesh-clusters">
        <thead><tr><th>Name</th><th>Type</th><th>Network</th><th>Status</th><th>Kubernetes version</th><th>Nodes</th><th>Control planes</th></tr></thead>
        <tbody>
          {clusters.data.map((c) => (
            <tr key={c.name} data-testid={`mesh-cluster-${c.name}`}>
              <td>{c.name}</td>
              <td>{c.local ? 'primary' : 'peer'}</td>
              <td>{c.network ?? '–'}</td>
              <td className={c.status === 'Available' ? undefined : 'warn'} title={c.message ?? undefined}>
                {c.status}{c.message ? `: ${c.message}` : ''}
              </td>
              <td>{c.kubernetesVersion ?? '–'}</td>
              <td>{c.nodeCount ?? '–'}</td>
              <td>{c.local ? cps.length : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : clusters.status === 'error' ? <ErrorState message={clusters.message} /> : <Loading what="clusters" />}
    <h2>Control planes</h2>
    <table className="table" data-testid="control-planes">
      <thead>
        <tr><th>Control plane</th><th>Revision</th><th>Istio version</th><th>Status</th><th>Proxies</th><th>Not running</th><th title="CPU the sidecars use (last minute)">Proxy CPU</th><th title="Working set of the sidecars">Proxy memory</th><th>Outbound traffic</th><th>Automatic mTLS</th><th>Validations</th></tr>
      </thead>
      <tbody>
        {cps.map((c) => (
          <tr key={c.revision} className={open === `${c.namespace}/${c.name}` ? 'selected' : undefined}>
            <td>
              <button type="button" className="link" data-testid={`control-plane-open-${c.name}`}
                onClick={() => setParams({ ...params, cp: open === `${c.namespace}/${c.name}` ? '' : `${c.namespace}/${c.name}` })}>
                {c.namespace}/{c.name}
              </button>
            </td>
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
    {open && cps.filter((c) => `${c.namespace}/${c.name}` === open).map((c) => (
      <ControlPlaneDetail key={open} namespace={c.namespace} name={c.name} autoMtls={c.autoMtls} outboundTrafficPolicy={c.outboundTrafficPolicy} />
    ))}
    <RecordingRulesSection />
    {shown && (
      <section data-testid="control-plane-validations">
        <h2>Validations of {shown}</h2>
        {ofRevision(shown).length === 0 ? <Empty>No validation issue on this control plane.</Empty> : <FindingsTable findings={ofRevision(shown)} />}
      </section>
    )}
    </>
  );
}

/** Whether Prometheus evaluates the mesh's recording rules, and how to install them when it does not. */
function RecordingRulesSection() {
  const [state, retry] = useApi(api.recordingRules, []);
  return (
    <section data-testid="recording-rules">
      <h2>Telemetry recording rules</h2>
      {state.status === 'loading' && <Loading what="the recording rules" />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={retry} />}
      {state.status === 'ok' && <RulesNoteView note={rulesNote(state.data)} />}
    </section>
  );
}

function RulesNoteView({ note }: { note: RulesNote }) {
  return (
    <div className={note.level === 'ok' ? 'muted' : 'banner banner-info'} data-testid="recording-rules-note" data-level={note.level}>
      <p>{note.level === 'ok' ? '✓ ' : ''}{note.text}</p>
      {note.remedy && <p>{note.remedy}</p>}
      {note.details.length > 0 && <ul>{note.details.map((d) => <li key={d}><code>{d}</code></li>)}</ul>}
    </div>
  );
}
