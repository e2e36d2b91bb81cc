import { useState } from 'react';
import { api, useApi } from '../api';
import { ErrorState, Loading } from './States';

/** The last 200 lines of a pod's container, re-read every 5 s while shown (kubectl logs --tail 200, polled). */
export function PodLogs({ namespace, pod, containers }: { namespace: string; pod: string; containers: string[] }) {
  const [container, setContainer] = useState(containers[0] ?? '');
  // Switching containers keeps the old text until the new one arrives, as the polling did.
  const [state] = useApi(() => api.podLogs(namespace, pod, container), [namespace, pod, container], { refreshMs: 5000, keepWhileLoading: true });
  return (
    <div className="pod-logs" data-testid="pod-logs">
      <label>
        Container{' '}
        <select value={container} onChange={(e) => setContainer(e.target.value)}>
          {containers.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      {state.status === 'loading' && <Loading what="logs" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ok' && <pre>{state.data || '(no output)'}</pre>}
    </div>
  );
}
