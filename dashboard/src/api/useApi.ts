import { useCallback, useEffect, useRef, useState } from 'react';

/** What a page shows while it reads: a spinner, an error (with retry), or the answer. */
export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; data: T };

export interface UseApiOptions {
  /** Re-read this often while shown; what is shown stays until the new answer arrives. */
  refreshMs?: number;
  /** Keep showing the last answer (not the spinner) while the inputs changed and the new one is read. */
  keepWhileLoading?: boolean;
}

/**
 * The dashboard's one data hook: runs `read` (an `api` operation) on mount and whenever `deps`
 * change, on retry (showing the spinner), on refresh and every `refreshMs` (keeping what is shown);
 * answers arriving for older inputs are dropped. Returns the state, retry and refresh.
 */
export function useApi<T>(read: () => Promise<T>, deps: unknown[], options: UseApiOptions = {}): [Load<T>, () => void, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const readRef = useRef(read);
  readRef.current = read;
  const key = JSON.stringify(deps) + '#' + attempt;
  const lastKey = useRef(key);
  const { refreshMs, keepWhileLoading } = options;
  useEffect(() => {
    let cancelled = false;
    if (lastKey.current !== key && !keepWhileLoading) setState({ status: 'loading' });
    lastKey.current = key;
    readRef.current()
      .then((data) => !cancelled && setState({ status: 'ok', data }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    const timer = refreshMs ? setTimeout(() => setTick((t) => t + 1), refreshMs) : undefined;
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, tick, refreshMs, keepWhileLoading]);
  // A retry shows the spinner again, as a new read does; a refresh does not.
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return [state, retry, refresh];
}
