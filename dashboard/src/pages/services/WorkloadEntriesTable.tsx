import { useState } from 'react';
import { api, useApi } from '../../api';
import { Empty, ErrorState, Loading } from '../../components/States';

/**
 * The VMs of a VM workload (seed: "WorkloadEntries: the list of virtual machines running this
 * workload"): one row per WorkloadEntry; its name opens its details (network, address, ports,
 * health, connection), as the Pod and Node levels do for pods.
 */
export function WorkloadEntriesTable({ namespace, workload }: { namespace: string; workload: string }) {
  const [load] = useApi(() => api.workloadEntries(namespace, workload), [namespace, workload], { keepWhileLoading: true });
  const [open, setOpen] = useState('');
  if (load.status === 'loading') return <Loading what="workload entries" />;
  if (load.status === 'error') return <ErrorState message={load.message} />;
  if (load.data.length === 0) return <Empty>No VM is registered: start smm-agent on a VM of this WorkloadGroup.</Empty>;
  const selected = load.data.find((e) => e.name === open);
  return (
    <>
      <table className="table" data-testid="workload-entries-table">
        <thead>
          <tr><th>WorkloadEntry</th><th>Host</th><th>Address</th><th>Network</th><th>Health</th><th>Connected</th></tr>
        </thead>
        <tbody>
          {load.data.map((e) => (
            <tr key={e.name} data-entry={e.name}>
              <td>
                <button type="button" className="link" onClick={() => setOpen(open === e.name ? '' : e.name)} data-testid={`entry-${e.name}`}>
                  {e.name}
                </button>
              </td>
              <td>{e.hostname ?? '–'}</td><td>{e.address ?? '–'}</td><td>{e.network ?? '–'}</td>
              <td className={`vm-health ${e.health.toLowerCase()}`} title={e.healthMessage ?? undefined}>{e.health}</td>
              <td>{e.connectedAt ? new Date(e.connectedAt).toLocaleString() : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && (
        <div className="pod-drilldown" data-testid="workload-entry-detail">
          <h4>WorkloadEntry {selected.name}</h4>
          <dl>
            <dt>Network</dt><dd>{selected.network ?? '–'}</dd>
            <dt>Address</dt><dd>{selected.address ?? '–'}</dd>
            <dt>Ports</dt><dd>{selected.ports.length ? selected.ports.join(', ') : '–'}</dd>
            <dt>Health</dt><dd>{selected.health}{selected.healthMessage ? ` (${selected.healthMessage})` : ''}
              {selected.lastProbeTime ? `, probed ${new Date(selected.lastProbeTime).toLocaleString()}` : ''}</dd>
            <dt>Connected</dt><dd>{selected.connectedAt ? new Date(selected.connectedAt).toLocaleString() : '–'}
              {selected.controller ? ` to ${selected.controller}` : ''}</dd>
            <dt>Labels</dt><dd>{selected.labels.map((l) => `${l.key}=${l.value}`).join(', ')}</dd>
          </dl>
        </div>
      )}
    </>
  );
}
