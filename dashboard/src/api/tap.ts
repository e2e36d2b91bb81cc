import { createClient } from 'graphql-ws';
import { authorizationHeader } from '../auth';
import type { TapBatch } from '../tap/model';
import { TAP_SUBSCRIPTION } from './documents';

/** Opens a tap subscription (graphql-transport-ws on the backend's /api/graphql); returns what stops it. */
export function startTap(filter: Record<string, unknown>, onBatch: (b: TapBatch) => void, onError: (message: string) => void): () => void {
  const url = new URL('api/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({ url: url.toString(), lazy: true, retryAttempts: 0, connectionParams: () => authorizationHeader() });
  const stop = client.subscribe<{ tap: TapBatch }>(
    { query: TAP_SUBSCRIPTION, variables: { filter } },
    {
      next: (r) => {
        if (r.errors?.length) onError(r.errors.map((e) => e.message).join('; '));
        else if (r.data) onBatch(r.data.tap);
      },
      error: (e) => onError(describe(e)),
      complete: () => undefined,
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}

/** What graphql-ws reports: GraphQL errors (e.g. an invalid filter), an Error, or the socket's CloseEvent. */
function describe(e: unknown): string {
  if (Array.isArray(e)) return e.map((x: { message: string }) => x.message).join('; ');
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'code' in e) {
    const c = e as { code: number; reason?: string };
    return `the tap connection to the backend closed (${c.code}${c.reason ? `: ${c.reason}` : ''})`;
  }
  return 'the tap connection to the backend was lost';
}
