import { useMemo, useState } from 'react';
import { grafanaPath, openTool } from '../tools';
import { EChart } from './EChart';
import { api, useApi, type TimeValue } from '../api';
import { budgetText, burnRate, timeToAlertSeconds, type Slo } from '../slo/model';
import { ErrorState, Loading } from './States';

/** Outage sizes the strategy chart covers: 0.1% to 100% of requests failing, log-spaced. */
const OUTAGES = Array.from({ length: 61 }, (_, i) => 10 ** (-3 + (3 * i) / 60));

const FRAME = { animation: false, tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 56, right: 24, top: 36, bottom: 52 } };

function Chart({ option, testId }: { option: Record<string, unknown>; testId: string }) {
  const framed = useMemo(() => ({ ...FRAME, ...option }), [option]);
  return <EChart option={framed} className="signals-chart" testId={testId} />;
}

/** An SLO's detail (seed 2.8.1): time window, target, SLI, policies, the alerting strategy, burn rate and budget over 6 hours. */
export function SloDetail({ namespace, slo, onChanged }: { namespace: string; slo: Slo; onChanged: () => void }) {
  const [series] = useApi(() => api.sloSeries(namespace, slo.name), [namespace, slo.name], { keepWhileLoading: true });
  const budget = slo.goal == null ? Number.NaN : 1 - slo.goal / 100;
  const strategy = useMemo(() => ({
    title: { text: 'Alerting strategy: time to alert vs outage size', textStyle: { fontSize: 12, fontWeight: 'normal' } },
    xAxis: { type: 'log', name: 'errors %', min: 0.1, max: 100 },
    yAxis: { type: 'log', name: 'minutes' },
    series: slo.alerts.filter((p) => p.threshold != null).map((p) => ({
      name: `${p.policy} (${p.severity})`, type: 'line', showSymbol: false,
      data: OUTAGES.map((e) => {
        const t = timeToAlertSeconds(p, budget, e);
        return [e * 100, t == null ? null : t / 60];
      }),
    })),
  }), [slo.alerts, budget]);
  const charts = useMemo(() => {
    if (series.status !== 'ok') return null;
    const at = (points: TimeValue[]) => points.map((p) => [new Date(p.time).getTime(), p.value]);
    const time = { type: 'time', splitNumber: 4, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}' } };
    return {
      burn: {
        title: { text: 'Burn rate per window (6 h)', textStyle: { fontSize: 12, fontWeight: 'normal' } },
        xAxis: time, yAxis: { type: 'value', name: 'x budget' },
        series: series.data.burnRates.map((b) => ({ name: b.window, type: 'line', showSymbol: false, data: at(b.points) })),
      },
      budget: {
        title: { text: 'Error budget remaining (6 h)', textStyle: { fontSize: 12, fontWeight: 'normal' } },
        xAxis: time, yAxis: { type: 'value', name: '%' },
        series: [{ name: 'remaining', type: 'line', showSymbol: false, data: series.data.budgetRemaining.map((p) => [new Date(p.time).getTime(), p.value == null ? null : p.value * 100]) }],
      },
    };
  }, [series]);
  return (
    <div className="slo-detail" data-testid="slo-detail">
      <h4>{slo.name}{' '}
        <button type="button" className="link" onClick={() => openTool(grafanaPath('slo', { namespace, slo: slo.name }))} data-testid="open-grafana-slo">
          Open in Grafana ↗
        </button>
      </h4>
      <dl>
        <dt>Time window</dt><dd>{slo.period} rolling</dd>
        <dt>Target</dt><dd>{slo.goal ?? '–'}%</dd>
        <dt>SLI</dt><dd>{slo.template}</dd>
        <dt>Compliance</dt><dd>{slo.compliance == null ? '–' : `${(slo.compliance * 100).toFixed(3)}%`}</dd>
        <dt>Burn rate</dt><dd>{slo.burnRates.map((b) => `${b.window} ${burnRate(b.rate)}`).join(' · ') || '–'}</dd>
        <dt>Budget consumed</dt><dd>{budgetText(slo)}</dd>
        <dt>Alerting policies</dt>
        <dd>{slo.alerts.map((p) => `${p.policy}: ${p.severity} at ${p.threshold ?? '?'}x over ${p.lookBackWindow}${p.secondaryWindow ? ` and ${p.secondaryWindow}` : ''}${p.conditionMetDuration ? ` for ${p.conditionMetDuration}` : ''} — ${p.state}`).join('; ') || 'none yet'}</dd>
      </dl>
      <PolicyForm namespace={namespace} slo={slo.name} onCreated={onChanged} />
      <Chart option={strategy} testId="slo-strategy-chart" />
      {series.status === 'loading' && <Loading what="SLO history" />}
      {series.status === 'error' && <ErrorState message={series.message} />}
      {charts && <Chart option={charts.burn} testId="slo-burn-chart" />}
      {charts && <Chart option={charts.budget} testId="slo-budget-chart" />}
    </div>
  );
}

/** CREATE NEW alerting policy (seed 2.8.1.2): burn rate threshold, look-back and control windows, alert after, severity. */
function PolicyForm({ namespace, slo, onCreated }: { namespace: string; slo: string; onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: `${slo}-page`, severity: 'page', threshold: '14.4', lookBackWindow: '1h', secondaryWindow: '5m', conditionMetDuration: '2m' });
  const [error, setError] = useState('');
  if (!open) return <button type="button" onClick={() => setOpen(true)} data-testid="policy-create-open">CREATE NEW ALERTING POLICY</button>;
  const field = (key: keyof typeof form, label: string) => (
    <label>{label} <input value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`policy-${key}`} /></label>
  );
  return (
    <form className="slo-form" data-testid="policy-form" onSubmit={(e) => {
      e.preventDefault();
      setError('');
      api.createPolicy({ namespace, slo, ...form })
        .then(() => { setOpen(false); onCreated(); })
        .catch((err: Error) => setError(err.message));
    }}>
      {field('name', 'Name')}
      <label>Severity <select value={form.severity} onChange={(e) => setForm({ ...form, severity: e.target.value })} data-testid="policy-severity">
        <option value="page">page</option><option value="ticket">ticket</option>
      </select></label>
      {field('threshold', 'Burn rate threshold')}
      {field('lookBackWindow', 'Primary look-back window')}
      {field('secondaryWindow', 'Control look-back window')}
      {field('conditionMetDuration', 'Alert after')}
      <button type="submit" data-testid="policy-create">CREATE</button>
      <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      {error && <div className="banner" role="alert" data-testid="policy-error">{error}</div>}
    </form>
  );
}

