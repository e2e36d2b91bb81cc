import { useEffect, useState } from 'react';
import { graphqlPartial } from '../graphql';
import { ErrorState, Loading } from './States';

interface InMesh { inMesh: number; total: number }

export interface MeshOverview {
  requestsPerSecond: number | null;
  errorRatio: number | null;
  p95Ms: number | null;
  clusters: number;
  services: InMesh;
  workloads: InMesh;
  pods: InMesh;
  validationIssues: number;
  serviceHealth: { status: string; count: number }[];
  errors: string[];
}

const QUERY = `query MeshOverview { meshOverview {
  requestsPerSecond errorRatio p95Ms clusters validationIssues errors
  services { inMesh total } workloads { inMesh total } pods { inMesh total } serviceHealth { status count } } }`;

const unknown = '–';

/** The Overview's mesh cards: golden signals of the whole mesh, what is in the mesh, service health. Refreshes every 15 s. */
export function MeshSignals() {
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; data: MeshOverview }>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    graphqlPartial<{ meshOverview: MeshOverview }>(QUERY)
      .then(({ data }) => !cancelled && setState({ status: 'ok', data: data.meshOverview }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    const timer = setTimeout(() => setTick((t) => t + 1), 15_000);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [tick]);
  if (state.status === 'loading') return <Loading what="mesh signals" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={() => setTick((t) => t + 1)} />;
  const o = state.data;
  const health = (s: string) => o.serviceHealth.find((h) => h.status === s)?.count ?? 0;
  return (
    <>
      {o.errors.length > 0 && (
        <div className="banner" role="alert" data-testid="overview-warning">Some numbers are unavailable: {o.errors.join('; ')}</div>
      )}
      <section className="cards" data-testid="mesh-signals">
        <div className="card" data-testid="mesh-rps">
          <div className="card-value">{o.requestsPerSecond === null ? unknown : o.requestsPerSecond.toFixed(1)}</div>
          <div className="card-label">Requests / s</div>
        </div>
        <div className="card" data-testid="mesh-p95">
          <div className="card-value">{o.p95Ms === null ? unknown : `${o.p95Ms.toFixed(0)} ms`}</div>
          <div className="card-label">P95 latency</div>
        </div>
        <div className="card" data-testid="mesh-errors">
          <div className="card-value">{o.errorRatio === null ? unknown : `${(o.errorRatio * 100).toFixed(2)}%`}</div>
          <div className="card-label">Errors (5xx, gRPC)</div>
        </div>
        <div className="card">
          <div className="card-value">{o.services.inMesh}/{o.services.total}</div>
          <div className="card-label">Services in mesh</div>
        </div>
        <div className="card">
          <div className="card-value">{o.workloads.inMesh}/{o.workloads.total}</div>
          <div className="card-label">Workloads in mesh</div>
        </div>
        <div className="card">
          <div className="card-value">{o.pods.inMesh}/{o.pods.total}</div>
          <div className="card-label">Pods in mesh</div>
        </div>
        <div className="card">
          <div className="card-value">{o.validationIssues}</div>
          <div className="card-label">Validation issues</div>
        </div>
        <div className="card" data-testid="service-health-summary">
          <div className="card-value">
            <span className="status status-healthy">{health('HEALTHY')}</span> <span className="status status-degraded">{health('DEGRADED')}</span>{' '}
            <span className="status status-failure">{health('FAILURE')}</span>
          </div>
          <div className="card-label">Services healthy / degraded / failing</div>
        </div>
      </section>
    </>
  );
}
