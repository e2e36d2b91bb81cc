import { useState } from 'react';
import { api, useApi } from '../api';
import { ResourceEditor } from '../components/ResourceEditor';
import { Empty, ErrorState, Loading } from '../components/States';
import { KINDS, findingSummary, type IstioResource } from '../istio/model';
import type { Params } from '../urlState';

/** MENU > ISTIO RESOURCES: every Istio resource, a YAML editor with templates and inline validation. */
export function IstioResources({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespace = params.ns ?? '';
  const kind = params.kind ?? '';
  const [editing, setEditing] = useState<{ yaml: string; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<IstioResource | null>(null);
  const [namespaces] = useApi(api.namespaces, []);
  const [load, reload] = useApi(() => api.istioResources(namespace || null, kind || null), [namespace, kind]);

  const remove = async (r: IstioResource) => {
    try {
      await api.deleteResource(r);
      setNotice(`Deleted ${r.kind} ${r.namespace}/${r.name}.`);
    } catch (e) {
      setNotice(`Not deleted: ${(e as Error).message}`);
    }
    setDeleting(null);
    reload();
  };

  return (
    <div className="list-page istio-resources">
      <div className="toolbar">
        <label>
          Namespace{' '}
          <select value={namespace} onChange={(e) => setParams({ ...params, ns: e.target.value })} data-testid="resources-namespace">
            <option value="">All namespaces</option>
            {namespaces.status === 'ok' && namespaces.data.map((n) => <option key={n.name}>{n.name}</option>)}
          </select>
        </label>
        <label>
          Type{' '}
          <select value={kind} onChange={(e) => setParams({ ...params, kind: e.target.value })} data-testid="resources-kind">
            <option value="">All types</option>
            {KINDS.map((k) => <option key={k}>{k}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setEditing({ yaml: '', title: 'New resource' })} data-testid="new-resource">
          Create
        </button>
      </div>
      {notice && <div className="banner" role="status" data-testid="resources-notice">{notice}</div>}
      {editing && (
        <ResourceEditor
          key={editing.title}
          title={editing.title}
          initial={editing.yaml}
          onClose={() => setEditing(null)}
          onSaved={(r, overridden) => {
            setEditing(null);
            setNotice(`Saved ${r.kind} ${r.namespace}/${r.name}` + (overridden.length > 0
              ? `, overriding ${overridden.map((o) => o.checkId).join(', ')}.` : '.'));
            reload();
          }}
        />
      )}
      {load.status === 'loading' && <Loading what="Istio resources" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={reload} />}
      {load.status === 'ok' && load.data.length === 0 && (
        <Empty>No {kind || 'Istio resources'} in {namespace || 'any namespace'}. Create one from a template.</Empty>
      )}
      {load.status === 'ok' && load.data.length > 0 && (
        <table className="table" data-testid="resources-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Namespace</th>
              <th>Name</th>
              <th>Validation</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {load.data.map((r) => (
              <tr key={`${r.kind}/${r.namespace}/${r.name}`} data-resource={`${r.kind}/${r.namespace}/${r.name}`}>
                <td>{r.kind}</td>
                <td>{r.namespace}</td>
                <td>{r.name}</td>
                <td title={r.validation.map((v) => `${v.checkID}${v.istioCode ? ` (${v.istioCode})` : ''}: ${v.errorMessage}`).join('\n')}>
                  {findingSummary(r.validation) || <span className="status status-healthy">valid</span>}
                </td>
                <td>{r.created ?? ''}</td>
                <td className="actions">
                  <button type="button" onClick={() => setEditing({ yaml: r.yaml, title: `${r.kind} ${r.namespace}/${r.name}` })}>
                    Edit
                  </button>
                  {deleting === r ? (
                    <span className="confirm" role="alertdialog">
                      Delete {r.kind} {r.namespace}/{r.name}?{' '}
                      <button type="button" className="danger" onClick={() => remove(r)}>Confirm delete</button>{' '}
                      <button type="button" onClick={() => setDeleting(null)}>Cancel</button>
                    </span>
                  ) : (
                    <button type="button" onClick={() => setDeleting(r)}>Delete</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
