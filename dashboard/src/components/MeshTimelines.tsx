import { useEffect, useMemo, useState } from 'react';
import { graphqlPartial } from '../graphql';
import { namespaceHealth, RANGES, stepFor } from '../overview/model';
import { fetchHealth, type NodeHealth } from '../topology/health';
import { HealthStrip } from './HealthChart';
import { at, TimeChart, type SignalPoint } from './SignalsChart';
import { Empty, ErrorState, Loading } from './States';

const QUERY = `query MeshTimeline($range: Int!, $step: Int!) {
  goldenSignals(kind: MESH, rangeSeconds: $range, stepSeconds: $step) { errors inbound { time requestsPerSecond errorRatio p95Ms } }
}`;

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ok'; range: number; points: SignalPoint[]; health: NodeHealth[]; warnings: string[] };

/**
 * The Overview's charts over a chosen range: mesh requests/s, P95 latency and error rate, and each
 * namespace's health (its worst service) step by step. Re-read every minute.
 */
export function MeshTimelines() {
  const [range, setRange] = useState(1800);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<State>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    const step = stepFor(range);
    Promise.all([graphqlPartial<{ goldenSignals: { errors: string[]; inbound: SignalPoint[] } }>(QUERY, { range, step }), fetchHealth([], undefined, range, step)])
      .then(([signals, health]) => !cancelled && setState({
        status: 'ok', range, points: signals.data.goldenSignals.inbound, health: health.data.health,
        warnings: [...signals.data.goldenSignals.errors, ...health.errors.map((e) => e.message)],
      }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    const timer = setTimeout(() => setTick((t) => t + 1), 60_000);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [range, tick]);
  const rows = useMemo(() => (state.status === 'ok' ? namespaceHealth(state.health) : []), [state]);
  const points = state.status === 'ok' ? state.points : [];
  const rps = useMemo(() => [{ name: 'requests/s', data: at(points, (p) => p.requestsPerSecond) }], [points]);
  const p95 = useMemo(() => [{ name: 'P95', data: at(points, (p) => p.p95Ms) }], [points]);
  const errors = useMemo(() => [{ name: '5xx / failed gRPC %', data: at(points, (p) => p.errorRatio * 100) }], [points]);
  return (
    <section className="mesh-timelines" data-testid="mesh-timelines" data-loaded-range={state.status === 'ok' ? state.range : undefined}>
      <div className="toolbar">
        <label>
          Time range{' '}
          <select value={range} onChange={(e) => setRange(Number(e.target.value))} data-testid="overview-range">
            {RANGES.map((r) => <option key={r.seconds} value={r.seconds}>{r.label}</option>)}
          </select>
        </label>
      </div>
      {state.status === 'loading' && <Loading what="the mesh timelines" />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={() => setTick((t) => t + 1)} />}
      {state.status === 'ok' && (
        <>
          {state.warnings.length > 0 && <div className="banner" role="alert">Some timelines are partial: {state.warnings.join('; ')}</div>}
          {points.length === 0 ? (
            <Empty>No traffic in the mesh in this range. Generate some load (Topology page) to see it here.</Empty>
          ) : (
            <div className="timeline-charts">
              <TimeChart title="Requests per second" axes={['rps']} lines={rps} testId="overview-rps-chart" />
              <TimeChart title="Latency (95th percentile)" axes={['ms']} lines={p95} testId="overview-p95-chart" />
              <TimeChart title="Error rate" axes={['%']} lines={errors} testId="overview-errors-chart" />
            </div>
          )}
          <h3>Namespace health</h3>
          {rows.length === 0 ? (
            <Empty>No services with health data in this range.</Empty>
          ) : (
            <table className="table" data-testid="namespace-health">
              <tbody>
                {rows.map((r) => (
                  <tr key={r.namespace} data-namespace={r.namespace}>
                    <td>{r.namespace}</td>
                    <td><HealthStrip timeline={r.timeline} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
