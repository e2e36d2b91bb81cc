import { useEffect, useState } from 'react';
import { api, useApi } from '../api';
import { IstioCode } from './ValidationIssues';
import { needsConfirmation, severityClass, type ApplyResult, type IstioResource, type ResourceIssue } from '../istio/model';
import { ErrorState } from './States';
import { YamlEditor } from './YamlEditor';

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
      api.validate<Validation>(text)
        .then(setValidation)
        .catch((e: Error) => setError(e.message));
    }, 400);
    return () => clearTimeout(timer);
  }, [text]);

  const save = async (force: boolean) => {
    setSaving(true);
    setError(null);
    try {
      const r = await api.apply<ApplyResult>(text, force);
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
            <span className={severityClass(i.severity)}>{i.severity}</span> line {i.line}:{i.column}{' '}
            {i.message} <code>{i.checkId}</code>
            {i.istioCode && <IstioCode code={i.istioCode} />}
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
  const [templates] = useApi(api.templates, []);
  const [id, setId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  if (templates.status !== 'ok') return templates.status === 'error' ? <ErrorState message={templates.message} /> : null;
  const template = templates.data.find((t) => t.id === id);
  const use = () => {
    const parameters = Object.entries(values).filter(([, v]) => v !== '').map(([key, value]) => ({ key, value }));
    api.render(id, parameters)
      .then((yaml) => { setError(null); onPick(yaml); })
      .catch((e: Error) => setError(e.message));
  };
  return (
    <div className="template-picker">
      <label>
        Template{' '}
        <select value={id} onChange={(e) => { setId(e.target.value); setValues({}); }} data-testid="template-select">
          <option value="">Choose a template…</option>
          {templates.data.filter((t) => !kinds || kinds.includes(t.kind)).map((t) => (
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
