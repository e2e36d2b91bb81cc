import { useCallback, useEffect, useState } from 'react';
import { graphql } from './graphql';

export type QueryState<T> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ok'; data: T };

/** Runs a GraphQL query on mount (and on retry, or when its variables change), exposing loading/error/data states. */
export function useQuery<T>(query: string, variables?: Record<string, unknown>): [QueryState<T>, () => void] {
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const vars = JSON.stringify(variables ?? {});
  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    graphql<T>(query, JSON.parse(vars))
      .then((data) => !cancelled && setState({ status: 'ok', data }))
      .catch((e: Error) => !cancelled && setState({ status: 'error', message: e.message }));
    return () => {
      cancelled = true;
    };
  }, [query, vars, attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return [state, retry];
}
