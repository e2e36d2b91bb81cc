import { Empty, ErrorState, Loading } from '../../components/States';
import { HealthStrip } from '../../components/HealthChart';
import { NamespacePicker } from '../../components/NamespacePicker';
import { api, type Workload } from '../../api';
import { filterOf } from '../../listFilter';
import { hashFor, listParam, type Params } from '../../urlState';
import { Current, FilterBar, shown, useListed } from './listing';
import { WorkloadDetail } from './WorkloadDetail';

export function Workloads({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useListed<Workload>('workload', namespaces, api.workloads);
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
      {load.status === 'ok' && load.data.warning && <div className="banner" role="alert">Health is partial: {load.data.warning}</div>}
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

