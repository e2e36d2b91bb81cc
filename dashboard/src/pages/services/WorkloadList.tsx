import { api, type Workload } from '../../api';
import { HealthStrip } from '../../components/HealthChart';
import { hashFor, listParam, type Params } from '../../urlState';
import { Current, ListPage, useListed } from './listing';
import { WorkloadDetail } from './WorkloadDetail';

/** MENU > WORKLOADS: workloads grouped by namespace with their 30-minute health; ?workload= opens one. */
export function Workloads({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const load = useListed<Workload>('workload', namespaces, api.workloads);
  if (params.workload && namespaces.length === 1 && load.status === 'ok') {
    const w = load.data.items.find((x) => x.name === params.workload);
    if (w) return <WorkloadDetail workload={w} timeline={load.data.health.get(`${w.namespace}/${w.name}`)} onBack={() => setParams({ ns: params.ns })} />;
  }
  return (
    <ListPage what="workload" params={params} setParams={setParams} namespaces={namespaces} load={load} text={(w) => `${w.name} ${w.app}`}
      table={(workloads, health) => (
        <table className="table" data-testid="workloads-table">
          <thead>
            <tr><th>Workload</th><th>Kind</th><th>Pods / VMs</th><th>App / version</th><th>Health (30 min)</th><th>Now</th></tr>
          </thead>
          <tbody>
            {workloads.map((w) => {
              const timeline = health.get(`${w.namespace}/${w.name}`);
              return (
                <tr key={w.name} data-workload={w.name}>
                  <td>
                    <a href={hashFor('workloads', { ns: w.namespace, workload: w.name })}>{w.name}</a>
                    {w.vm && <span className="vm-badge" title="runs on virtual machines">VM</span>}
                  </td>
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
      )} />
  );
}
