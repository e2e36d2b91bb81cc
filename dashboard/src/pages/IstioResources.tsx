import { useCallback, useEffect, useState } from 'react';
import { Empty, ErrorState, Loading } from '../components/States';
import { YamlEditor } from '../components/YamlEditor';
import { graphql } from '../graphql';
import {
  APPLY_MUTATION,
  DELETE_MUTATION,
  KINDS,
  RENDER_QUERY,
  RESOURCES_QUERY,
  TEMPLATES_QUERY,
  VALIDATE_QUERY,
  findingSummary,
  needsConfirmation,
  type ApplyResult,
  type IstioResource,
  type IstioTemplate,
  type ResourceIssue,
} from '../istio/model';
import { useQuery } from '../useQuery';
import type { Params } from '../urlState';

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; resources: IstioResource[] };

/** MENU > ISTIO RESOURCES: every Istio resource, a YAML editor with templates and inline validation. */
export function IstioResources({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespace = params.ns ?? '';
  const kind = params.kind ?? '';
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [editing, setEditing] = useState<{ yaml: string; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<IstioResource | null>(null);
  const [namespaces] = useQuery<{ namespaces: { name: string }[] }>('query { namespaces { name } }');

  const reload = useCallback(() => {
    setLoad({ status: 'loading' });
    graphql<{ istioResources: IstioResource[] }>(RESOURCES_QUERY, { namespace: namespace || null, kind: kind || null })
      .then((d) => setLoad({ status: 'ok', resources: d.istioResources }))
      .catch((e: Error) => setLoad({ status: 'error', message: e.message }));
  }, [namespace, kind]);
  useEffect(reload, [reload]);

  const remove = async (r: IstioResource) => {
    try {
      await graphql(DELETE_MUTATION, { kind: r.kind, namespace: r.namespace, name: r.name });
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
            {namespaces.status === 'ok' && namespaces.data.namespaces.map((n) => <option key={n.name}>{n.name}</option>)}
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
      {load.status === 'ok' && load.resources.length === 0 && (
        <Empty>No {kind || 'Istio resources'} in {namespace || 'any namespace'}. Create one from a template.</Empty>
      )}
      {load.status === 'ok' && load.resources.length > 0 && (
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
            {load.resources.map((r) => (
              <tr key={`${r.kind}/${r.namespace}/${r.name}`} data-resource={`${r.kind}/${r.namespace}/${r.name}`}>
                <td>{r.kind}</td>
                <td>{r.namespace}</td>
                <td>{r.name}</td>
                <td title={r.validation.map((v) => `${v.checkID}: ${v.errorMessage}`).join('\n')}>
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

type Validation = { blocked: boolean; issues: ResourceIssue[] };

/** The editor: template picker, YAML with markers (validated 400 ms after typing stops), save with confirmation. */
export function ResourceEditor({ title, initial, onClose, onSaved, templateKinds }: {
  title: string;
  initial: string;
  onClose: () => void;
  onSaved: (r: IstioResource, overridden: ResourceIssue[]) => void;
  /** Only templates of these kinds (all when omitted). */
  templateKinds?: string[];
}) {
  const [text, setText] = useState(initial);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState<ResourceIssue[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (text.trim() === '') {
      setValidation(null);
      return;
    }
    const timer = setTimeout(() => {
      graphql<{ validateIstioResource: Validation }>(VALIDATE_QUERY, { yaml: text })
        .then((d) => setValidation(d.validateIstioResource))
        .catch((e: Error) => setError(e.message));
    }, 400);
    return () => clearTimeout(timer);
  }, [text]);

  const save = async (force: boolean) => {
    setSaving(true);
    setError(null);
    try {
      const { applyIstioResource: r } = await graphql<{ applyIstioResource: ApplyResult }>(APPLY_MUTATION, { yaml: text, force });
      if (r.applied && r.resource) {
        onSaved(r.resource, r.overridden);
      } else {
        setValidation({ blocked: false, issues: r.issues });
        setConfirm(needsConfirmation(r.issues));
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const issues = validation?.issues ?? [];
  return (
    <section className="detail resource-editor" data-testid="resource-editor">
      <h2>{title}</h2>
      <TemplatePicker kinds={templateKinds} onPick={(yaml) => { setText(yaml); setConfirm(null); }} />
      <YamlEditor value={text} onChange={(t) => { setText(t); setConfirm(null); }} issues={issues} />
      <ul className="issues" data-testid="resource-issues">
        {issues.map((i, n) => (
          <li key={n} className={`issue issue-${i.severity}`}>
            <span className={`status status-${i.severity === 'error' ? 'failure' : 'degraded'}`}>{i.severity}</span> line {i.line}:{i.column}{' '}
            {i.message} <code>{i.checkId}</code>
          </li>
        ))}
        {validation && issues.length === 0 && <li className="issue-none" data-testid="resource-valid">No problems found.</li>}
      </ul>
      {error && <div className="state state-error" role="alert">{error}</div>}
      {confirm && confirm.length > 0 ? (
        <div className="confirm" role="alertdialog" data-testid="confirm-invalid">
          This resource has {confirm.length} validation error{confirm.length === 1 ? '' : 's'}. Save it anyway?{' '}
          <button type="button" className="danger" disabled={saving} onClick={() => save(true)}>Save anyway</button>{' '}
          <button type="button" onClick={() => setConfirm(null)}>Keep editing</button>
        </div>
      ) : (
        <div className="buttons">
          <button type="button" disabled={saving || text.trim() === '' || validation?.blocked === true} onClick={() => save(false)}>
            {saving ? 'Saving…' : 'Save'}
          </button>{' '}
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      )}
    </section>
  );
}

function TemplatePicker({ onPick, kinds }: { onPick: (yaml: string) => void; kinds?: string[] }) {
  const [templates] = useQuery<{ istioTemplates: IstioTemplate[] }>(TEMPLATES_QUERY);
  const [id, setId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  if (templates.status !== 'ok') return templates.status === 'error' ? <ErrorState message={templates.message} /> : null;
  const template = templates.data.istioTemplates.find((t) => t.id === id);
  const use = () => {
    const parameters = Object.entries(values).filter(([, v]) => v !== '').map(([key, value]) => ({ key, value }));
    graphql<{ renderIstioTemplate: string }>(RENDER_QUERY, { id, parameters })
      .then((d) => { setError(null); onPick(d.renderIstioTemplate); })
      .catch((e: Error) => setError(e.message));
  };
  return (
    <div className="template-picker">
      <label>
        Template{' '}
        <select value={id} onChange={(e) => { setId(e.target.value); setValues({}); }} data-testid="template-select">
          <option value="">Choose a template…</option>
          {templates.data.istioTemplates.filter((t) => !kinds || kinds.includes(t.kind)).map((t) => (
            <option key={t.id} value={t.id}>{t.kind}: {t.title}</option>
          ))}
        </select>
      </label>
      {template && (
        <>
          <p className="hint">{template.description}</p>
          <div className="template-params">
            {template.parameters.map((p) => (
              <label key={p.name} title={p.description}>
                {p.name}{' '}
                <input name={p.name} placeholder={p.default} value={values[p.name] ?? ''}
                  onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} />
              </label>
            ))}
          </div>
          <button type="button" onClick={use} data-testid="use-template">Use template</button>
          {error && <span className="state-error"> {error}</span>}
        </>
      )}
    </div>
  );
}
