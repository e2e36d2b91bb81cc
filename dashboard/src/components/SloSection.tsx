import { useState } from 'react';
import { api, useApi } from '../api';
import { alertSummary, budgetText, burnRate, suggestedName, type SliTemplate } from '../slo/model';
import { SloDetail } from './SloDetail';
import { Empty, ErrorState, Loading } from './States';

/** A service's SLOs (NAME, CURRENT BURN RATE, ERROR BUDGET CONSUMED, ALERTS) and a form to create one from a template. */
export function SloSection({ namespace, service }: { namespace: string; service: string }) {
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState('');
  // Burn rates move: re-read every 15 s while shown.
  const [load, , refresh] = useApi(() => api.slos(namespace, service), [namespace, service], { refreshMs: 15_000 });
  if (load.status === 'loading') return <Loading what="SLOs" />;
  if (load.status === 'error') return <ErrorState message={load.message} />;
  const state = { slos: load.data.slos, templates: load.data.sliTemplates };
  return (
    <div className="slos" data-testid="slo-section">
      {state.slos.length === 0 ? (
        <Empty>No service level objectives for {service} yet.</Empty>
      ) : (
        <table className="table" data-testid="slo-table">
          <thead>
            <tr><th>Name</th><th>Goal</th><th>Current burn rate</th><th>Error budget consumed</th><th>Alerts</th><th>Status</th></tr>
          </thead>
          <tbody>
            {state.slos.map((s) => (
              <tr key={s.name} data-slo={s.name} className={s.alerts.some((a) => a.state === 'firing') ? 'warn' : undefined}>
                <td title={`${s.template}, ${s.period}`}>
                  <button type="button" className="link" onClick={() => setOpen(open === s.name ? '' : s.name)} data-testid="slo-open">{s.name}</button>
                </td>
                <td>{s.goal ?? '–'}% / {s.period}</td>
                <td data-testid="slo-burn-rate" title={s.burnRates.map((b) => `${b.window}: ${burnRate(b.rate)}`).join(', ')}>{burnRate(s.currentBurnRate)}</td>
                <td data-testid="slo-budget">{budgetText(s)}</td>
                <td>{alertSummary(s.alerts)}</td>
                <td title={s.error ?? ''}>{s.status}{s.error ? `: ${s.error}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state.slos.filter((s) => s.name === open).map((s) => <SloDetail key={s.name} namespace={namespace} slo={s} onChanged={refresh} />)}
      {creating ? (
        <CreateSlo namespace={namespace} service={service} templates={state.templates} onDone={() => { setCreating(false); refresh(); }} />
      ) : (
        <button type="button" onClick={() => setCreating(true)} data-testid="slo-create-open">CREATE NEW SLO</button>
      )}
    </div>
  );
}

function CreateSlo({ namespace, service, templates, onDone }: { namespace: string; service: string; templates: SliTemplate[]; onDone: () => void }) {
  const [template, setTemplate] = useState(templates[0]?.name ?? '');
  const chosen = templates.find((t) => t.name === template);
  const [name, setName] = useState(suggestedName(service, chosen));
  const [goal, setGoal] = useState('99.9');
  const [windowType, setWindowType] = useState<'rolling' | 'calendar'>('rolling');
  const [period, setPeriod] = useState('30d');
  const [reporter, setReporter] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  // The manual's REPORTER field: which proxy measures the SLI, for templates that take a reporter.
  const reporterParam = chosen?.parameters.find((p) => p.name === 'reporter');
  const hasReporter = reporterParam != null;
  if (templates.length === 0) return <Empty>No SLI templates are installed (the sre component installs them).</Empty>;
  const submit = () => {
    setSaving(true);
    setError('');
    api.createSlo({
        namespace, name, service, template, templateNamespace: chosen?.namespace, goal, windowType, period,
        parameters: Object.entries({ ...params, ...(hasReporter && reporter ? { reporter } : {}) }).filter(([, v]) => v !== '').map(([key, value]) => ({ key, value })),
    })
      .then(onDone)
      .catch((e: Error) => setError(e.message))
      .finally(() => setSaving(false));
  };
  return (
    <form className="slo-form" data-testid="slo-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <label>SLI <select value={template} onChange={(e) => { setTemplate(e.target.value); setName(suggestedName(service, templates.find((t) => t.name === e.target.value))); setParams({}); }} data-testid="slo-template">
        {templates.map((t) => <option key={`${t.namespace}/${t.name}`} value={t.name}>{t.name}</option>)}
      </select></label>
      {chosen && <p className="hint">{chosen.description}</p>}
      {hasReporter && (
        <label title={reporterParam?.description}>Reporter <select value={reporter || reporterParam?.default || 'source'} onChange={(e) => setReporter(e.target.value)} data-testid="slo-reporter">
          <option value="source">source</option>
          <option value="destination">destination</option>
        </select></label>
      )}
      {chosen?.parameters.filter((p) => !p.advanced && p.name !== 'reporter').map((p) => (
        <label key={p.name} title={p.description}>{p.name} <input value={params[p.name] ?? ''} placeholder={p.default ?? ''} onChange={(e) => setParams({ ...params, [p.name]: e.target.value })} /></label>
      ))}
      <label>Name <input value={name} onChange={(e) => setName(e.target.value)} data-testid="slo-name" /></label>
      <label>Goal % <input value={goal} onChange={(e) => setGoal(e.target.value)} data-testid="slo-goal" /></label>
      <label>Window type <select value={windowType} onChange={(e) => { const w = e.target.value as 'rolling' | 'calendar'; setWindowType(w); setPeriod(w === 'calendar' ? 'month' : '30d'); }} data-testid="slo-window-type">
        <option value="rolling">Rolling</option>
        <option value="calendar">Calendar</option>
      </select></label>
      {windowType === 'rolling' ? (
        <label>Period <input value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="slo-period" /></label>
      ) : (
        <label>Length <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="slo-period">
          <option value="month">month</option>
          <option value="week">week</option>
          <option value="day">day</option>
        </select></label>
      )}
      <button type="submit" disabled={saving} data-testid="slo-create">CREATE</button>
      <button type="button" onClick={onDone}>Cancel</button>
      {error && <div className="banner" role="alert" data-testid="slo-error">{error}</div>}
    </form>
  );
}
