import { useState } from 'react';
import { api, useApi } from '../api';
import { shortService, waterfall, type TraceDetail, type TraceLookup } from '../tracing/model';
import { Empty, ErrorState, Loading } from './States';
import { openTool, traceUiPath } from '../tools';

const RANGES: [number, string][] = [[900, '15 minutes'], [3600, '1 hour'], [21600, '6 hours']];

/**
 * A service's (or workload's) slowest traces, failed ones only on demand, with the chosen trace's
 * waterfall below. A tracing server that cannot be asked is said so; the rest of the page works.
 */
export function TracesSection({ namespace, service, workload }: { namespace: string; service: string; workload?: string }) {
  const [rangeSeconds, setRange] = useState(3600);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [minDurationMs, setMin] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [load, , refresh] = useApi(() => api.traces({ namespace, service, workload, rangeSeconds, minDurationMs, errorsOnly }),
    [namespace, service, workload, rangeSeconds, minDurationMs, errorsOnly], { keepWhileLoading: true });
  return (
    <div className="traces" data-testid="traces">
      <div className="toolbar">
        <label>Last{' '}
          <select value={rangeSeconds} onChange={(e) => setRange(Number(e.target.value))} data-testid="traces-range">
            {RANGES.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
          </select>
        </label>
        <label>At least{' '}
          <input type="number" min={0} step={100} value={minDurationMs} onChange={(e) => setMin(Math.max(0, Number(e.target.value) || 0))}
            data-testid="traces-min" style={{ width: '6em' }} /> ms
        </label>
        <label><input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} data-testid="traces-errors" /> failed only</label>
        <button type="button" onClick={refresh}>Refresh</button>
      </div>
      {load.status === 'loading' && <Loading what="traces" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={refresh} />}
      {load.status === 'ok' && !load.data.available && (
        <div className="state state-error" role="alert" data-state="unavailable" data-testid="traces-unavailable">
          <strong>Traces are unavailable.</strong> {load.data.message}
        </div>
      )}
      {load.status === 'ok' && load.data.available && load.data.traces.length === 0 && <Empty>{load.data.message ?? 'No traces.'}</Empty>}
      {load.status === 'ok' && load.data.available && load.data.traces.length > 0 && (
        <table className="list" data-testid="traces-table">
          <thead><tr><th>Trace</th><th>Started</th><th>Duration</th><th>Entry</th><th>Spans</th><th>Status</th></tr></thead>
          <tbody>
            {load.data.traces.map((t) => (
              <tr key={t.traceId} className={open === t.traceId ? 'selected' : undefined} data-testid={`trace-${t.traceId}`}>
                <td><button type="button" className="link" onClick={() => setOpen(open === t.traceId ? null : t.traceId)}>{t.traceId.slice(0, 12)}…</button></td>
                <td>{new Date(t.start).toLocaleTimeString()}</td>
                <td>{t.durationMs.toFixed(1)} ms</td>
                <td>{shortService(t.rootService)}</td>
                <td>{t.spanCount}</td>
                <td>{t.error ? <span className="health-FAILURE">failed</span> : 'ok'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <TraceView id={open} />}
    </div>
  );
}

/** One trace as a waterfall: a row per hop, indented by depth, its bar on the trace's time axis. */
export function TraceView({ id }: { id: string }) {
  return <TraceLookupView what={`trace ${id}`} read={() => api.trace(id)} deps={[id]} />;
}

/** The trace of the request with this x-request-id (a tap entry's), found on demand. */
export function RequestTrace({ namespace, requestId }: { namespace: string; requestId: string }) {
  const [asked, setAsked] = useState(false);
  if (!asked) return <button type="button" onClick={() => setAsked(true)} data-testid="find-trace">Show its trace</button>;
  return <TraceLookupView what={`the trace of request ${requestId}`} read={() => api.traceByRequestId(namespace, requestId)}
    deps={[namespace, requestId]} />;
}

function TraceLookupView({ what, read, deps }: { what: string; read: () => Promise<TraceLookup>; deps: unknown[] }) {
  const [load, retry] = useApi(read, deps);
  if (load.status === 'loading') return <Loading what={what} />;
  if (load.status === 'error') return <ErrorState message={load.message} onRetry={retry} />;
  const l = load.data;
  if (!l.available) return <div className="state state-error" role="alert" data-testid="trace-unavailable"><strong>Traces are unavailable.</strong> {l.message}</div>;
  // Proxies send spans every few seconds: a request seen a moment ago may not be there yet.
  if (!l.found || !l.trace) {
    return <Empty><span data-testid="trace-not-found">{l.message}</span> <button type="button" onClick={retry} data-testid="trace-again">Look again</button></Empty>;
  }
  return <Waterfall trace={l.trace} api={l.api} />;
}

function Waterfall({ trace, api: tracingApi }: { trace: TraceDetail; api: string | null }) {
  return (
    <div className="waterfall" data-testid="trace-view">
      <h4>Trace {trace.traceId} · {trace.durationMs.toFixed(1)} ms · {trace.spans.length} spans{trace.error ? ' · failed' : ''}{' '}
        <button type="button" className="link" onClick={() => openTool(traceUiPath(tracingApi, trace.traceId))} data-testid="open-trace-ui">
          Open in {tracingApi === 'jaeger' ? 'Jaeger' : 'Zipkin'} ↗
        </button>
      </h4>
      <table className="list">
        <thead><tr><th>Service</th><th>Operation</th><th>Status</th><th style={{ width: '45%' }}>Timeline</th><th>Duration</th></tr></thead>
        <tbody>
          {waterfall(trace).map(({ span, depth, leftPct, widthPct }) => (
            <tr key={span.id} data-testid={`span-${shortService(span.service)}`} data-depth={depth} className={span.error ? 'span-error' : undefined}>
              <td style={{ paddingLeft: `${0.5 + depth * 1.2}em` }} title={span.caller ? `called by ${span.caller}` : undefined}>{shortService(span.service)}</td>
              <td>{span.name}</td>
              <td>{span.statusCode ?? ''}{span.responseFlags && span.responseFlags !== '-' ? ` ${span.responseFlags}` : ''}</td>
              <td>
                <div className="bar-track">
                  <div className={span.error ? 'bar bar-error' : 'bar'} style={{ marginLeft: `${leftPct}%`, width: `${widthPct}%` }} />
                </div>
              </td>
              <td>{span.durationMs.toFixed(1)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
