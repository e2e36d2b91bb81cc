import { useEffect, useState } from 'react';
import { graphql } from '../graphql';
import { ErrorState, Loading } from './States';

const QUERY = 'query Logs($ns: String!, $pod: String!, $c: String) { podLogs(namespace: $ns, pod: $pod, container: $c, tailLines: 200) }';

/** The last 200 lines of a pod's container, re-read every 5 s while shown (kubectl logs --tail 200, polled). */
export function PodLogs({ namespace, pod, containers }: { namespace: string; pod: string; containers: string[] }) {
  const [container, setContainer] = useState(containers[0] ?? '');
  const [state, setState] = useState<{ status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; text: string }>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    graphql<{ podLogs: string }>(QUERY, { ns: namespace, pod, c: container || null })
      .then((d) => !cancelled && setState({ status: 'ok', text: d.podLogs }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    const timer = setTimeout(() => setTick((t) => t + 1), 5000);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [namespace, pod, container, tick]);
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
      {state.status === 'ok' && <pre>{state.text || '(no output)'}</pre>}
    </div>
  );
}
