import { useState } from 'react';
import { api, useApi } from '../api';
import { findingSummary } from '../istio/model';
import { appliesToService, TRAFFIC_ACTIONS, type TrafficAction } from '../istio/serviceActions';
import { ResourceEditor } from './ResourceEditor';
import { ErrorState } from './States';

/**
 * A service's traffic management (seed 2.7.2): the Istio resources that apply to it, and actions
 * (routing, fault injection, mirroring, timeouts/retries, circuit breaking, mTLS) that open the
 * resource editor with a template filled in for this service. What is saved is a plain Istio
 * resource, validated like any other.
 */
export function TrafficActions({ namespace, service, app }: { namespace: string; service: string; app: string }) {
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ title: string; yaml: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // After a save the list is re-read; the old one stays shown meanwhile.
  const [load, reload] = useApi(() => api.istioResources(namespace, null)
    .then((all) => all.filter((r) => appliesToService(r, namespace, service, app))), [namespace, service, app], { keepWhileLoading: true });
  const resources = load.status === 'ok' ? load.data : null;

  const start = (action: TrafficAction) => {
    const parameters = [
      { key: 'name', value: `${service}-${action.suffix}` },
      { key: 'namespace', value: namespace },
      { key: 'host', value: service },
      { key: 'app', value: app },
    ].filter((p) => action.parameters.includes(p.key));
    api.render(action.template, parameters)
      .then((yaml) => setEditing({ title: `${action.title} for ${namespace}/${service}`, yaml }))
      .catch((e: Error) => setError(e.message));
  };

  return (
    <section className="traffic-actions" data-testid="traffic-actions">
      <div className="toolbar">
        {TRAFFIC_ACTIONS.map((a) => (
          <button key={a.template} type="button" onClick={() => start(a)} data-action={a.template}>
            {a.title}
          </button>
        ))}
      </div>
      {notice && <div className="banner" role="status">{notice}</div>}
      {error && <ErrorState message={error} onRetry={() => setError(null)} />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={reload} />}
      {editing && (
        <ResourceEditor key={editing.title + editing.yaml} title={editing.title} initial={editing.yaml} onClose={() => setEditing(null)}
          onSaved={(r, overridden) => {
            setEditing(null);
            setNotice(`Saved ${r.kind} ${r.namespace}/${r.name}` + (overridden.length ? `, overriding ${overridden.map((o) => o.checkId).join(', ')}` : '') + '.');
            reload();
          }} />
      )}
      {resources && resources.length === 0 && <p className="hint">No Istio resource applies to this service: Istio's defaults do.</p>}
      {resources && resources.length > 0 && (
        <table className="table" data-testid="service-istio-resources">
          <thead><tr><th>Type</th><th>Name</th><th>Validation</th><th /></tr></thead>
          <tbody>
            {resources.map((r) => (
              <tr key={`${r.kind}/${r.name}`}>
                <td>{r.kind}</td>
                <td>{r.name}</td>
                <td>{findingSummary(r.validation) || 'valid'}</td>
                <td><button type="button" onClick={() => setEditing({ title: `${r.kind} ${r.namespace}/${r.name}`, yaml: r.yaml })}>Edit</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
