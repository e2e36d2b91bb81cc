import type { ReactNode } from 'react';
import { api, useApi, type Load } from '../../api';
import { NamespacePicker } from '../../components/NamespacePicker';
import { Empty, ErrorState, Loading } from '../../components/States';
import type { Health } from '../../topology/model';
import type { NodeHealth } from '../../topology/health';
import { filterOf, HEALTH_FILTERS, passes, type ListFilter } from '../../listFilter';
import type { Params } from '../../urlState';

// What the Services and Workloads lists share: health by item, the health cell, filters and grouping.

export interface Listed<T> {
  items: T[];
  health: Map<string, Health[]>;
  /** Why health is partial or missing, when it is. */
  warning?: string;
}

/** Health timelines by "kind:namespace/name" (the cluster part of the node id is dropped: one cluster for now). */
export function byKey(health: NodeHealth[], kind: 'service' | 'workload'): Map<string, Health[]> {
  const out = new Map<string, Health[]>();
  health.forEach((h) => {
    const m = h.id.match(/^(\w+):[^/]*\/([^/]*)\/(.*)$/);
    if (m && m[1] === kind) out.set(`${m[2]}/${m[3]}`, h.timeline);
  });
  return out;
}

/** Items of the namespaces (none = all) with their health timelines; health failing leaves the list and says why. */
export function useListed<T>(kind: 'service' | 'workload', namespaces: string[], read: (namespaces: string[]) => Promise<T[]>): Load<Listed<T>> {
  const [load] = useApi(async () => {
    const [items, health] = await Promise.all([
      read(namespaces),
      api.health(namespaces).then((r) => ({ ok: true as const, r }), (e: Error) => ({ ok: false as const, message: e.message })),
    ]);
    const warning = !health.ok ? `health is unavailable: ${health.message}` : health.r.errors.length ? health.r.errors.map((e) => e.message).join('; ') : undefined;
    return { items, health: health.ok ? byKey(health.r.data.health, kind) : new Map<string, Health[]>(), warning };
  }, [kind, namespaces.join(',')]);
  return load;
}

export function Current({ timeline }: { timeline: Health[] | undefined }) {
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

export function FilterBar({ params, setParams, what }: { params: Params; setParams: (p: Params) => void; what: string }) {
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
export function shown<T extends { namespace: string; name: string }>(items: T[], health: Map<string, Health[]>, f: ListFilter, text: (i: T) => string) {
  return grouped(items.filter((i) => passes(text(i), health.get(`${i.namespace}/${i.name}`), f)));
}


/**
 * A list page: namespace picker and filters, then loading, error, partial-health, empty and
 * no-match states, then one table per namespace (`table` draws it).
 */
export function ListPage<T extends { namespace: string; name: string }>({ what, params, setParams, namespaces, load, text, table }: {
  what: string;
  params: Params;
  setParams: (p: Params) => void;
  namespaces: string[];
  load: Load<Listed<T>>;
  text: (item: T) => string;
  table: (items: T[], health: Map<string, Health[]>) => ReactNode;
}) {
  const groups = load.status === 'ok' ? shown(load.data.items, load.data.health, filterOf(params), text) : [];
  return (
    <div className="list-page">
      <div className="toolbar">
        <NamespacePicker selected={namespaces} onChange={(ns) => setParams({ ...params, ns: ns.join(',') })} />
        <FilterBar params={params} setParams={setParams} what={`${what}s`} />
      </div>
      {load.status === 'loading' && <Loading what={`${what}s`} />}
      {load.status === 'error' && <ErrorState message={load.message} />}
      {load.status === 'ok' && load.data.warning && <div className="banner" role="alert">Health is partial: {load.data.warning}</div>}
      {load.status === 'ok' && load.data.items.length === 0 && <Empty>No {what}s in {namespaces.join(', ') || 'the cluster'}.</Empty>}
      {load.status === 'ok' && load.data.items.length > 0 && groups.length === 0 && <Empty>No {what} matches the filter.</Empty>}
      {load.status === 'ok' && groups.map(([ns, items]) => (
        <section key={ns} className="group">
          <h2>{ns}</h2>
          {table(items, load.data.health)}
        </section>
      ))}
    </div>
  );
}
