import { api, useApi } from '../api';
import { ErrorState, Loading } from './States';

const unknown = '–';

/** The Overview's mesh cards: golden signals of the whole mesh, what is in the mesh, service health. Refreshes every 15 s. */
export function MeshSignals() {
  const [state, retry] = useApi(api.meshOverview, [], { refreshMs: 15_000 });
  if (state.status === 'loading') return <Loading what="mesh signals" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const o = state.data;
  const health = (s: string) => o.serviceHealth.find((h) => h.status === s)?.count ?? 0;
  return (
    <>
      {o.errors.length > 0 && (
        <div className="banner" role="alert" data-testid="overview-warning">Some numbers are unavailable: {o.errors.join('; ')}</div>
      )}
      <section className="cards" data-testid="mesh-signals">
        {[
          { id: 'mesh-rps', label: 'Requests / s', value: o.requestsPerSecond === null ? unknown : o.requestsPerSecond.toFixed(1) },
          { id: 'mesh-p95', label: 'P95 latency', value: o.p95Ms === null ? unknown : `${o.p95Ms.toFixed(0)} ms` },
          { id: 'mesh-errors', label: 'Errors (5xx, gRPC)', value: o.errorRatio === null ? unknown : `${(o.errorRatio * 100).toFixed(2)}%` },
          { label: 'Services in mesh', value: `${o.services.inMesh}/${o.services.total}` },
          { label: 'Workloads in mesh', value: `${o.workloads.inMesh}/${o.workloads.total}` },
          { label: 'Pods in mesh', value: `${o.pods.inMesh}/${o.pods.total}` },
          { label: 'Validation issues', value: o.validationIssues },
        ].map((c) => (
          <div key={c.label} className="card" data-testid={c.id}>
            <div className="card-value">{c.value}</div>
            <div className="card-label">{c.label}</div>
          </div>
        ))}
        {o.healthEnabled ? (
          <div className="card" data-testid="service-health-summary">
            <div className="card-value">
              <span className="status status-healthy">{health('HEALTHY')}</span> <span className="status status-degraded">{health('DEGRADED')}</span>{' '}
              <span className="status status-failure">{health('FAILURE')}</span>
            </div>
            <div className="card-label">Services healthy / degraded / failing</div>
          </div>
        ) : (
          <div className="card" data-testid="service-health-summary">
            <div className="card-value">off</div>
            <div className="card-label">Health is switched off (ControlPlane smm.health.enabled: false)</div>
          </div>
        )}
      </section>
    </>
  );
}
