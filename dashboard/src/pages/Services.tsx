import { useEffect, useState } from 'react';
import { HealthChart, HealthStrip } from '../components/HealthChart';
import { SignalsCharts } from '../components/SignalsChart';
import { NamespacePicker } from '../components/NamespacePicker';
import { EventsTable } from '../components/EventsTable';
import { PodLogs } from '../components/PodLogs';
import { TrafficActions } from '../components/TrafficActions';
import { SloSection } from '../components/SloSection';
import { Empty, ErrorState, Loading } from '../components/States';
import { graphql } from '../graphql';
import { fetchHealth, type NodeHealth } from '../topology/health';
import type { Health } from '../topology/model';
import { filterOf, HEALTH_FILTERS, passes, type ListFilter } from '../listFilter';
import { hashFor, listParam, type Params } from '../urlState';

interface Label { key: string; value: string }
interface Service { name: string; namespace: string; type: string; ports: string[]; selector: Label[] }
interface Workload { name: string; namespace: string; kind: string; replicas: number; readyReplicas: number; app: string; version: string; labels: Label[] }
interface Pod { name: string; status: string; readyContainers: number; containers: number; restarts: number; node: string | null; podIP: string | null; sidecar: boolean; containerNames: string[] }

type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; data: T; warning?: string };

/** Health timelines by "kind:namespace/name" (the cluster part of the node id is dropped: one cluster for now). */
function byKey(health: NodeHealth[], kind: 'service' | 'workload'): Map<string, Health[]> {
  const out = new Map<string, Health[]>();
  health.forEach((h) => {
    const m = h.id.match(/^(\w+):[^/]*\/([^/]*)\/(.*)$/);
    if (m && m[1] === kind) out.set(`${m[2]}/${m[3]}`, h.timeline);
  });
  return out;
}

function useList<T>(kind: 'service' | 'workload', namespaces: string[], query: string, pick: (d: unknown) => T[]) {
  const [load, setLoad] = useState<Load<{ items: T[]; health: Map<string, Health[]> }>>({ status: 'loading' });
  const key = namespaces.join(',');
  useEffect(() => {
    let cancelled = false;
    setLoad({ status: 'loading' });
    const ns = namespaces.length ? namespaces : null;
    Promise.all([
      graphql<unknown>(query, { ns }),
      fetchHealth(namespaces).then((r) => ({ ok: true as const, r }), (e: Error) => ({ ok: false as const, message: e.message })),
    ])
      .then(([data, health]) => {
        if (cancelled) return;
        const warning = !health.ok ? `health is unavailable: ${health.message}` : health.r.errors.length ? health.r.errors.map((e) => e.message).join('; ') : undefined;
        setLoad({ status: 'ok', data: { items: pick(data), health: health.ok ? byKey(health.r.data.health, kind) : new Map() }, warning });
      })
      .catch((e: Error) => !cancelled && setLoad({ status: 'error', message: e.message }));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, query, kind]);
  return load;
}

function Current({ timeline }: { timeline: Health[] | undefined }) {
  const last = timeline?.[timeline.length - 1];
  if (!last) return <span className="status status-unknown">unknown</span>;
  return (
    <span className={`status status-${last.status.toLowerCase()}`} title={last.reasons.join(', ')}>
      {last.status.replace('_', ' ').toLowerCase()}
    </span>
  );
}

function grouped<T extends { namespace: string }>(items: T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  items.forEach((i) => m.set(i.namespace, [...(m.get(i.namespace) ?? []), i]));
  return [...m.entries()];
}

function FilterBar({ params, setParams, what }: { params: Params; setParams: (p: Params) => void; what: string }) {
  const f = filterOf(params);
  return (
    <>
      <input type="search" placeholder={`Filter ${what} by name`} value={f.text} onChange={(e) => setParams({ ...params, q: e.target.value })} data-testid="name-filter" aria-label="Name filter" />
      <select value={f.health.toLowerCase()} onChange={(e) => setParams({ ...params, health: e.target.value })} data-testid="health-filter" aria-label="Health filter">
        {HEALTH_FILTERS.map((h) => (
          <option key={h.id} value={h.id.toLowerCase()}>{h.label}</option>
        ))}
      </select>
    </>
  );
}

/** Items passing the filter, grouped by namespace. */
function shown<T extends { namespace: string; name: string }>(items: T[], health: Map<string, Health[]>, f: ListFilter, text: (i: T) => string) {
  return grouped(items.filter((i) => passes(text(i), health.get(`${i.namespace}/${i.name}`), f)));
}

export function Services({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useList<Service>('service', namespaces,
    'query Services($ns: [String!]) { services(namespaces: $ns) { name namespace type ports selector { key value } } }',
    (d) => (d as { services: Service[] }).services);
  if (params.service && namespaces.length === 1) {
    return <ServiceDetail namespace={namespaces[0]} name={params.service} onBack={() => setParams({ ns: params.ns })} />;
  }
  return (
    <div className="list-page">
      <div className="toolbar">
        <NamespacePicker selected={namespaces} onChange={(ns) => setParams({ ...params, ns: ns.join(',') })} />
        <FilterBar params={params} setParams={setParams} what="services" />
      </div>
      {load.status === 'loading' && <Loading what="services" />}
      {load.status === 'error' && <ErrorState message={load.message} />}
      {load.status === 'ok' && load.warning && <div className="banner" role="alert">Health is partial: {load.warning}</div>}
      {load.status === 'ok' && load.data.items.length === 0 && <Empty>No services in {namespaces.join(', ') || 'the cluster'}.</Empty>}
      {load.status === 'ok' && load.data.items.length > 0 && shown(load.data.items, load.data.health, filterOf(params), (s) => s.name).length === 0 && (
        <Empty>No service matches the filter.</Empty>
      )}
      {load.status === 'ok' &&
        shown(load.data.items, load.data.health, filterOf(params), (s) => s.name).map(([ns, services]) => (
          <section key={ns} className="group">
            <h2>{ns}</h2>
            <table className="table" data-testid="services-table">
              <thead>
                <tr><th>Service</th><th>Ports</th><th>Health (30 min)</th><th>Now</th><th>RPS</th><th>Errors</th></tr>
              </thead>
              <tbody>
                {services.map((s) => {
                  const timeline = load.data.health.get(`${s.namespace}/${s.name}`);
                  const last = timeline?.[timeline.length - 1];
                  return (
                    <tr key={s.name} data-service={s.name}>
                      <td><a href={hashFor('services', { ns: s.namespace, service: s.name })}>{s.name}</a></td>
                      <td>{s.ports.join(', ')}</td>
                      <td>{timeline ? <HealthStrip timeline={timeline} /> : '–'}</td>
                      <td><Current timeline={timeline} /></td>
                      <td>{last ? last.requestsPerSecond.toFixed(2) : '–'}</td>
                      <td>{last ? `${(last.errorRatio * 100).toFixed(1)}%` : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ))}
    </div>
  );
}

export function Workloads({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useList<Workload>('workload', namespaces,
    'query Workloads($ns: [String!]) { workloads(namespaces: $ns) { name namespace kind replicas readyReplicas app version labels { key value } } }',
    (d) => (d as { workloads: Workload[] }).workloads);
  if (params.workload && namespaces.length === 1 && load.status === 'ok') {
    const w = load.data.items.find((x) => x.name === params.workload);
    if (w) return <WorkloadDetail workload={w} timeline={load.data.health.get(`${w.namespace}/${w.name}`)} onBack={() => setParams({ ns: params.ns })} />;
  }
  return (
    <div className="list-page">
      <div className="toolbar">
        <NamespacePicker selected={namespaces} onChange={(ns) => setParams({ ...params, ns: ns.join(',') })} />
        <FilterBar params={params} setParams={setParams} what="workloads" />
      </div>
      {load.status === 'loading' && <Loading what="workloads" />}
      {load.status === 'error' && <ErrorState message={load.message} />}
      {load.status === 'ok' && load.warning && <div className="banner" role="alert">Health is partial: {load.warning}</div>}
      {load.status === 'ok' && load.data.items.length === 0 && <Empty>No workloads in {namespaces.join(', ') || 'the cluster'}.</Empty>}
      {load.status === 'ok' && load.data.items.length > 0 && shown(load.data.items, load.data.health, filterOf(params), (w) => `${w.name} ${w.app}`).length === 0 && (
        <Empty>No workload matches the filter.</Empty>
      )}
      {load.status === 'ok' &&
        shown(load.data.items, load.data.health, filterOf(params), (w) => `${w.name} ${w.app}`).map(([ns, workloads]) => (
          <section key={ns} className="group">
            <h2>{ns}</h2>
            <table className="table" data-testid="workloads-table">
              <thead>
                <tr><th>Workload</th><th>Kind</th><th>Pods</th><th>App / version</th><th>Health (30 min)</th><th>Now</th></tr>
              </thead>
              <tbody>
                {workloads.map((w) => {
                  const timeline = load.data.health.get(`${w.namespace}/${w.name}`);
                  return (
                    <tr key={w.name} data-workload={w.name}>
                      <td><a href={hashFor('workloads', { ns: w.namespace, workload: w.name })}>{w.name}</a></td>
                      <td>{w.kind}</td>
                      <td>{w.readyReplicas}/{w.replicas}</td>
                      <td>{w.app} {w.version}</td>
                      <td>{timeline ? <HealthStrip timeline={timeline} /> : '–'}</td>
                      <td><Current timeline={timeline} /></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ))}
    </div>
  );
}

function PodsTable({ namespace, selector }: { namespace: string; selector: Label[] }) {
  const [load, setLoad] = useState<Load<Pod[]>>({ status: 'loading' });
  const [logsOf, setLogsOf] = useState<string>('');
  const key = JSON.stringify(selector);
  useEffect(() => {
    let cancelled = false;
    graphql<{ pods: Pod[] }>(
      'query Pods($ns: String!, $sel: [LabelInput!]!) { pods(namespace: $ns, selector: $sel) { name status readyContainers containers restarts node podIP sidecar containerNames } }',
      { ns: namespace, sel: selector },
    )
      .then((d) => !cancelled && setLoad({ status: 'ok', data: d.pods }))
      .catch((e: Error) => !cancelled && setLoad({ status: 'error', message: e.message }));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [namespace, key]);
  if (load.status === 'loading') return <Loading what="pods" />;
  if (load.status === 'error') return <ErrorState message={load.message} />;
  if (load.data.length === 0) return <Empty>No pods.</Empty>;
  const open = load.data.find((p) => p.name === logsOf);
  return (
    <>
      <table className="table" data-testid="pods-table">
        <thead>
          <tr><th>Pod</th><th>Status</th><th>Ready</th><th>Restarts</th><th>Node</th><th>IP</th><th>Sidecar</th><th>Drill down</th></tr>
        </thead>
        <tbody>
          {load.data.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td><td>{p.status}</td><td>{p.readyContainers}/{p.containers}</td><td>{p.restarts}</td>
              <td>{p.node ?? '–'}</td><td>{p.podIP ?? '–'}</td><td>{p.sidecar ? 'yes' : 'no'}</td>
              <td>
                <button type="button" onClick={() => setLogsOf(logsOf === p.name ? '' : p.name)} data-testid={`logs-${p.name}`}>
                  {logsOf === p.name ? 'hide' : 'logs, events'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <div className="pod-drilldown" data-testid="pod-drilldown">
          <h4>{open.name} on node {open.node ?? '–'}</h4>
          <PodLogs namespace={namespace} pod={open.name} containers={open.containerNames} />
          <h4>Events</h4>
          <EventsTable namespace={namespace} pod={open.name} />
        </div>
      )}
    </>
  );
}

function ServiceDetail({ namespace, name, onBack }: { namespace: string; name: string; onBack: () => void }) {
  const [load, setLoad] = useState<Load<{ service: Service | undefined; workloads: Workload[]; timeline: Health[] | undefined }>>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    Promise.all([
      graphql<{ services: Service[]; workloads: Workload[] }>(
        'query S($ns: [String!]) { services(namespaces: $ns) { name namespace type ports selector { key value } } workloads(namespaces: $ns) { name namespace kind replicas readyReplicas app version labels { key value } } }',
        { ns: [namespace] },
      ),
      fetchHealth([namespace]).catch(() => null),
    ])
      .then(([d, h]) => {
        if (cancelled) return;
        const service = d.services.find((s) => s.name === name);
        const selects = (w: Workload) => !!service && service.selector.length > 0 && service.selector.every((s) => w.labels.some((l) => l.key === s.key && l.value === s.value));
        setLoad({ status: 'ok', data: { service, workloads: d.workloads.filter(selects), timeline: h ? byKey(h.data.health, 'service').get(`${namespace}/${name}`) : undefined } });
      })
      .catch((e: Error) => !cancelled && setLoad({ status: 'error', message: e.message }));
    return () => {
      cancelled = true;
    };
  }, [namespace, name]);
  if (load.status === 'loading') return <Loading what={`service ${name}`} />;
  if (load.status === 'error') return <ErrorState message={load.message} />;
  const { service, workloads, timeline } = load.data;
  if (!service) return <Empty>There is no service {namespace}/{name}. <button type="button" onClick={onBack}>Back</button></Empty>;
  return (
    <div className="detail" data-testid="service-detail">
      <button type="button" className="back" onClick={onBack}>← Services</button>
      <h2>{namespace}/{service.name}</h2>
      <dl>
        <dt>Type</dt><dd>{service.type}</dd>
        <dt>Ports</dt><dd>{service.ports.join(', ')}</dd>
        <dt>Selector</dt><dd>{service.selector.map((l) => `${l.key}=${l.value}`).join(', ') || 'none'}</dd>
        <dt>Health</dt><dd><Current timeline={timeline} /></dd>
      </dl>
      {timeline ? <HealthChart timeline={timeline} title="Health, errors and P95 as clients see them (30 min)" /> : <Empty>No traffic data for this service.</Empty>}
      <SignalsCharts kind="SERVICE" namespace={namespace} name={service.name} />
      <h3>Traffic management</h3>
      <TrafficActions namespace={namespace} service={service.name}
        app={service.selector.find((l) => l.key === 'app')?.value ?? service.name} />
      <h3>Service level objectives</h3>
      <SloSection namespace={namespace} service={service.name} />
      <h3>Workloads</h3>
      {workloads.length === 0 ? <Empty>No workload matches the selector.</Empty> : (
        <ul>
          {workloads.map((w) => (
            <li key={w.name}><a href={hashFor('workloads', { ns: namespace, workload: w.name })}>{w.kind} {w.name}</a> ({w.readyReplicas}/{w.replicas} ready)</li>
          ))}
        </ul>
      )}
      <h3>Pods</h3>
      <PodsTable namespace={namespace} selector={service.selector} />
    </div>
  );
}

function WorkloadDetail({ workload, timeline, onBack }: { workload: Workload; timeline: Health[] | undefined; onBack: () => void }) {
  const selector = workload.labels.filter((l) => l.key === 'app' || l.key === 'version');
  return (
    <div className="detail" data-testid="workload-detail">
      <button type="button" className="back" onClick={onBack}>← Workloads</button>
      <h2>{workload.namespace}/{workload.name}</h2>
      <dl>
        <dt>Kind</dt><dd>{workload.kind}</dd>
        <dt>Pods ready</dt><dd>{workload.readyReplicas}/{workload.replicas}</dd>
        <dt>Labels</dt><dd>{workload.labels.map((l) => `${l.key}=${l.value}`).join(', ')}</dd>
        <dt>Health</dt><dd><Current timeline={timeline} /></dd>
      </dl>
      {timeline ? <HealthChart timeline={timeline} title="Health, errors and P95 as served (30 min)" /> : <Empty>No traffic data for this workload.</Empty>}
      <SignalsCharts kind="WORKLOAD" namespace={workload.namespace} name={workload.name} />
      <h3>Pods</h3>
      <PodsTable namespace={workload.namespace} selector={selector.length ? selector : workload.labels} />
      <h3>Events</h3>
      <EventsTable namespace={workload.namespace} workload={workload.name} />
    </div>
  );
}
