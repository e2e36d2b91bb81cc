import { useState } from 'react';
import { api, useApi, type Label } from '../../api';
import { EventsTable } from '../../components/EventsTable';
import { PodLogs } from '../../components/PodLogs';
import { Empty, ErrorState, Loading } from '../../components/States';

/** The pods a selector picks, with their logs and events one click away. */
export function PodsTable({ namespace, selector }: { namespace: string; selector: Label[] }) {
  // Another selector keeps the old rows until the new ones arrive, as before.
  const [load] = useApi(() => api.pods(namespace, selector), [namespace, selector], { keepWhileLoading: true });
  const [logsOf, setLogsOf] = useState<string>('');
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

