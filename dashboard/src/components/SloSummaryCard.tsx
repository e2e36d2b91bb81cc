import { api, useApi } from '../api';

/** The Overview's aggregated SLO status: how many SLOs, how many alert, how many have spent their budget. */
export function SloSummaryCard() {
  const [state] = useApi(api.sloSummary, []);
  if (state.status !== 'ok') {
    return (
      <div className="card" data-testid="slo-summary">
        <div className="card-value">{state.status === 'loading' ? '…' : '–'}</div>
        <div className="card-label">{state.status === 'error' ? `SLOs unavailable: ${state.message}` : 'Service level objectives'}</div>
      </div>
    );
  }
  const s = state.data;
  return (
    <div className="card" data-testid="slo-summary">
      <div className="card-value">
        {s.total} <span className="status status-failure" title="burn-rate alert firing">{s.firing}</span>{' '}
        <span className="status status-degraded" title="alert pending">{s.pending}</span>
      </div>
      <div className="card-label">
        SLOs / alerting / pending{s.budgetExhausted > 0 ? ` · ${s.budgetExhausted} out of budget` : ''}{s.failing > 0 ? ` · ${s.failing} failed to render` : ''}
      </div>
    </div>
  );
}
