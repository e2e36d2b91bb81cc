import { Fragment, useEffect, useRef, useState } from 'react';
import { Empty } from '../components/States';
import { RequestTrace } from '../components/TracesSection';
import { api, startTap, useApi } from '../api';
import { appendRows, duration, failed, filterInput, statusText, visibleWindow, type TapEntry, type TapForm } from '../tap/model';
import type { Params } from '../urlState';

const MAX_ROWS = 10_000;
const ROW_HEIGHT = 24;
const VIEWPORT = 480;
const FIELDS: { key: keyof TapForm; label: string; placeholder: string }[] = [
  { key: 'method', label: 'Method', placeholder: 'GET' },
  { key: 'codes', label: 'Status', placeholder: '500-599' },
  { key: 'direction', label: 'Direction', placeholder: 'inbound / outbound' },
  { key: 'destination', label: 'Destination', placeholder: 'payments' },
  { key: 'path', label: 'Path prefix', placeholder: '/api' },
  { key: 'header', label: 'Header', placeholder: 'user-agent=fasthttp' },
  { key: 'protocol', label: 'Protocol', placeholder: 'http / grpc / tcp' },
  { key: 'grpcStatus', label: 'gRPC status', placeholder: 'Internal,14' },
];

function formOf(params: Params): TapForm {
  return {
    namespace: params.ns ?? '', workload: params.workload ?? '', direction: params.direction ?? '', method: params.method ?? '',
    codes: params.codes ?? '', destination: params.destination ?? '', path: params.path ?? '', header: params.header ?? '', protocol: params.protocol ?? '',
    grpcStatus: params.grpcStatus ?? '',
  };
}

/** Traffic tap: pick a reporting source and filters, START STREAMING, watch the sidecars' access logs live, click a row for details. */
export function Tap({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const form = formOf(params);
  const [streaming, setStreaming] = useState(false);
  const [rows, setRows] = useState<TapEntry[]>([]);
  const [dropped, setDropped] = useState(0);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<TapEntry | null>(null);
  const [showFilters, setShowFilters] = useState(false);
  const stop = useRef<(() => void) | null>(null);
  const [namespaces] = useApi(api.namespaces, []);
  // The workload choices of the namespace picked; none until they arrive or when they cannot be read.
  const [workloadNames] = useApi(() => (form.namespace ? api.workloadNames(form.namespace) : Promise.resolve([])), [form.namespace],
    { keepWhileLoading: true });
  const workloads = workloadNames.status === 'ok' ? workloadNames.data : [];

  useEffect(() => () => stop.current?.(), []);

  // Other filters (from the form or the URL): the rows shown so far answered the old ones.
  const filterKey = JSON.stringify(form);
  useEffect(() => {
    stop.current?.();
    stop.current = null;
    setStreaming(false);
    setRows([]);
    setSelected(null);
  }, [filterKey]);

  const pause = () => {
    stop.current?.();
    stop.current = null;
    setStreaming(false);
  };

  const start = () => {
    const f = filterInput(form);
    if (!f.ok) {
      setError(f.message);
      return;
    }
    setError('');
    setDropped(0);
    stop.current = startTap(
      f.filter,
      (b) => {
        if (b.entries.length) setRows((r) => appendRows(r, b.entries, MAX_ROWS));
        setDropped(b.dropped);
      },
      (message) => {
        setError(message);
        stop.current?.();
        stop.current = null;
        setStreaming(false);
      },
    );
    setStreaming(true);
  };

  const update = (p: Partial<TapForm>) => {
    if (streaming) pause();
    const next: Params = { ...params };
    Object.entries(p).forEach(([k, v]) => {
      next[k === 'namespace' ? 'ns' : k] = v as string;
    });
    setParams(next);
  };

  return (
    <div className="tap-page">
      <div className="toolbar">
        <label>
          Reporting source{' '}
          <select value={form.namespace} onChange={(e) => update({ namespace: e.target.value, workload: '' })} data-testid="tap-namespace">
            <option value="">namespace…</option>
            {namespaces.status === 'ok' && namespaces.data.map((n) => <option key={n.name} value={n.name}>{n.name}{n.sidecarInjection ? ' ●' : ''}</option>)}
          </select>{' '}
          <select value={form.workload} onChange={(e) => update({ workload: e.target.value })} data-testid="tap-workload" disabled={!form.namespace}>
            <option value="">all workloads</option>
            {workloads.map((w) => <option key={w} value={w}>{w}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setShowFilters(!showFilters)} aria-expanded={showFilters}>FILTERS</button>
        <button type="button" className="primary" onClick={streaming ? pause : start} data-testid="tap-toggle">
          {streaming ? 'PAUSE STREAMING' : 'START STREAMING'}
        </button>
        <span className="tap-counters" data-testid="tap-counters">
          {rows.length} rows{dropped > 0 ? `, ${dropped} dropped (the tap could not keep up)` : ''}{streaming ? ' · streaming' : ''}
        </span>
        {rows.length > 0 && !streaming && <button type="button" onClick={() => { setRows([]); setSelected(null); }}>Clear</button>}
      </div>
      {showFilters && (
        <div className="tap-filters" data-testid="tap-filters">
          {FIELDS.map((f) => (
            <label key={f.key}>
              {f.label} <input value={form[f.key]} placeholder={f.placeholder} onChange={(e) => update({ [f.key]: e.target.value })} />
            </label>
          ))}
        </div>
      )}
      {error && <div className="banner" role="alert" data-testid="tap-error">{error}</div>}
      {rows.length === 0 ? (
        <Empty>{streaming ? 'Waiting for requests matching the filter…' : 'Choose a reporting source and START STREAMING to watch live requests.'}</Empty>
      ) : (
        <div className="tap-body">
          <TapTable rows={rows} selected={selected} onSelect={setSelected} />
          {selected && <TapDetails entry={selected} onClose={() => setSelected(null)} />}
        </div>
      )}
    </div>
  );
}

/** Thousands of rows, only those in view in the DOM (fixed row height), newest at the bottom. */
function TapTable({ rows, selected, onSelect }: { rows: TapEntry[]; selected: TapEntry | null; onSelect: (e: TapEntry) => void }) {
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    // Stick to the newest rows unless the user scrolled up to read.
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [rows]);
  const { first, count } = visibleWindow(scrollTop, VIEWPORT, ROW_HEIGHT, rows.length);
  return (
    <div className="tap-table" role="table" aria-rowcount={rows.length} data-testid="tap-table">
      <div className="tap-row tap-head" role="row">
        <span>Time</span><span>Direction</span><span>Source</span><span>Destination</span><span>Request</span><span>Status</span><span>Duration</span>
      </div>
      <div
        className="tap-scroll"
        ref={box}
        style={{ height: VIEWPORT }}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
        }}
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {rows.slice(first, first + count).map((e, i) => (
            <div
              key={first + i}
              role="row"
              className={`tap-row${e === selected ? ' selected' : ''}${failed(e.response) ? ' error' : ''}`}
              style={{ position: 'absolute', top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}
              onClick={() => onSelect(e)}
              data-testid="tap-row"
            >
              <span>{new Date(e.time).toLocaleTimeString()}</span>
              <span>{e.direction}</span>
              <span title={e.source.name}>{e.source.name}</span>
              <span title={e.destination.name}>{e.destination.name}</span>
              <span title={e.request.path}>{e.protocol === 'tcp' ? 'tcp' : `${e.protocol} ${e.request.method} ${e.request.path}`}</span>
              <span data-testid="tap-status">{statusText(e.response)}</span>
              <span>{duration(e.response.durationNanos)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function TapDetails({ entry, onClose }: { entry: TapEntry; onClose: () => void }) {
  const e = entry;
  return (
    <aside className="node-panel" data-testid="tap-details" aria-label="Request details">
      <header>
        <h2>{e.protocol === 'tcp' ? 'TCP connection' : `${e.request.method} ${e.request.path}`}</h2>
        <button type="button" onClick={onClose} aria-label="Close">×</button>
      </header>
      <dl>
        <dt>Time</dt><dd>{e.time}</dd>
        <dt>Reported by</dt><dd>{e.reporter.namespace}/{e.reporter.name} ({e.direction})</dd>
        <dt>Source</dt><dd>{e.source.name} {e.source.address}</dd>
        <dt>Destination</dt><dd>{e.destination.name} {e.destination.address}</dd>
        <dt>Protocol</dt><dd>{e.protocol} {e.request.httpVersion}</dd>
        <dt>Authority</dt><dd>{e.request.authority || '–'}</dd>
        <dt>Status</dt><dd>{statusText(e.response)}{e.response.grpcStatus != null ? ` (grpc-status ${e.response.grpcStatus})` : ''}</dd>
        <dt>Response flags</dt><dd>{e.response.flags}</dd>
        <dt>Duration</dt><dd>{duration(e.response.durationNanos)}</dd>
        <dt>Bytes</dt><dd>{e.request.bytes} in, {e.response.bytes} out</dd>
        <dt>Upstream</dt><dd>{e.upstream.cluster} {e.upstream.address}</dd>
        <dt>mTLS</dt><dd>{e.mtls ? 'yes' : 'no'}</dd>
        <dt>User agent</dt><dd>{e.request.userAgent || '–'}</dd>
        <dt>Request id</dt><dd>{e.request.id || '–'}</dd>
        {e.request.id && e.protocol !== 'tcp' && (<><dt>Trace</dt><dd><RequestTrace namespace={e.reporter.namespace} requestId={e.request.id} /></dd></>)}
        {e.request.headers.map((h) => (
          <Fragment key={h.key}><dt>{h.key}</dt><dd>{h.value}</dd></Fragment>
        ))}
      </dl>
    </aside>
  );
}
