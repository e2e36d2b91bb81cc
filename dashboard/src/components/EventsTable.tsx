import { api, useApi } from '../api';
import { Empty, ErrorState, Loading } from './States';

function age(time: string | null): string {
  if (!time) return '–';
  const s = Math.max(0, Math.round((Date.now() - new Date(time).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

/** Kubernetes Events of a workload (with its ReplicaSets and pods) or a pod, newest first, as kubectl describe lists them. */
export function EventsTable({ namespace, workload, pod }: { namespace: string; workload?: string; pod?: string }) {
  const [state] = useApi(() => api.events(namespace, workload, pod), [namespace, workload, pod]);
  if (state.status === 'loading') return <Loading what="events" />;
  if (state.status === 'error') return <ErrorState message={state.message} />;
  const events = state.data;
  if (events.length === 0) return <Empty>No events (Kubernetes keeps them for an hour).</Empty>;
  return (
    <table className="table" data-testid="events-table">
      <thead>
        <tr><th>Type</th><th>Reason</th><th>Age</th><th>From</th><th>Object</th><th>Message</th></tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={i} className={e.type === 'Warning' ? 'warn' : undefined}>
            <td>{e.type}</td>
            <td>{e.reason}</td>
            <td>{age(e.lastSeen)}{e.count > 1 ? ` (x${e.count})` : ''}</td>
            <td>{e.source}</td>
            <td>{e.objectKind.toLowerCase()}/{e.objectName}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
