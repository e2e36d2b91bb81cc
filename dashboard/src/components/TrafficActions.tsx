import { useEffect, useState } from 'react';
import { graphql } from '../graphql';
import { RENDER_QUERY, RESOURCES_QUERY, findingSummary, type IstioResource } from '../istio/model';
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
  const [resources, setResources] = useState<IstioResource[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ title: string; yaml: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    graphql<{ istioResources: IstioResource[] }>(RESOURCES_QUERY, { namespace, kind: null })
      .then((d) => setResources(d.istioResources.filter((r) => appliesToService(r, namespace, service, app))))
      .catch((e: Error) => setError(e.message));
  }, [namespace, service, app, attempt]);

  const start = (action: TrafficAction) => {
    const parameters = [
      { key: 'name', value: `${service}-${action.suffix}` },
      { key: 'namespace', value: namespace },
      { key: 'host', value: service },
      { key: 'app', value: app },
    ].filter((p) => action.parameters.includes(p.key));
    graphql<{ renderIstioTemplate: string }>(RENDER_QUERY, { id: action.template, parameters })
      .then((d) => setEditing({ title: `${action.title} for ${namespace}/${service}`, yaml: d.renderIstioTemplate }))
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
      {error && <ErrorState message={error} onRetry={() => { setError(null); setAttempt((n) => n + 1); }} />}
      {editing && (
        <ResourceEditor key={editing.title + editing.yaml} title={editing.title} initial={editing.yaml} onClose={() => setEditing(null)}
          onSaved={(r, overridden) => {
            setEditing(null);
            setNotice(`Saved ${r.kind} ${r.namespace}/${r.name}` + (overridden.length ? `, overriding ${overridden.map((o) => o.checkId).join(', ')}` : '') + '.');
            setAttempt((n) => n + 1);
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
