import { useMemo, useState } from 'react';
import { api, useApi } from '../api';
import { namespaceHealth, RANGES, stepFor } from '../overview/model';
import { HealthStrip } from './HealthChart';
import { at, TimeChart } from './SignalsChart';
import { Empty, ErrorState, Loading } from './States';

/** Mesh golden signals and every namespace's health over one range, with what could not be read. */
async function readTimelines(range: number) {
  const step = stepFor(range);
  const [signals, health] = await Promise.all([api.meshTimeline(range, step), api.health([], undefined, range, step)]);
  return { range, points: signals.inbound, health: health.data.health, warnings: [...signals.errors, ...health.errors.map((e) => e.message)] };
}

/**
 * The Overview's charts over a chosen range: mesh requests/s, P95 latency and error rate, and each
 * namespace's health (its worst service) step by step. Re-read every minute.
 */
export function MeshTimelines() {
  const [range, setRange] = useState(1800);
  // The charts of the previous range stay until the new range's arrive (data-loaded-range says which is shown).
  const [state, retry] = useApi(() => readTimelines(range), [range], { refreshMs: 60_000, keepWhileLoading: true });
  const rows = useMemo(() => (state.status === 'ok' ? namespaceHealth(state.data.health) : []), [state]);
  const points = state.status === 'ok' ? state.data.points : [];
  const rps = useMemo(() => [{ name: 'requests/s', data: at(points, (p) => p.requestsPerSecond) }], [points]);
  const p95 = useMemo(() => [{ name: 'P95', data: at(points, (p) => p.p95Ms) }], [points]);
  const errors = useMemo(() => [{ name: '5xx / failed gRPC %', data: at(points, (p) => p.errorRatio * 100) }], [points]);
  return (
    <section className="mesh-timelines" data-testid="mesh-timelines" data-loaded-range={state.status === 'ok' ? state.data.range : undefined}>
      <div className="toolbar">
        <label>
          Time range{' '}
          <select value={range} onChange={(e) => setRange(Number(e.target.value))} data-testid="overview-range">
            {RANGES.map((r) => <option key={r.seconds} value={r.seconds}>{r.label}</option>)}
          </select>
        </label>
      </div>
      {state.status === 'loading' && <Loading what="the mesh timelines" />}
      {state.status === 'error' && <ErrorState message={state.message} onRetry={retry} />}
      {state.status === 'ok' && (
        <>
          {state.data.warnings.length > 0 && <div className="banner" role="alert">Some timelines are partial: {state.data.warnings.join('; ')}</div>}
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
