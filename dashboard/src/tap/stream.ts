import { createClient } from 'graphql-ws';
import { TAP_SUBSCRIPTION, type TapBatch } from './model';

/** Opens a tap subscription (graphql-transport-ws on the backend's /api/graphql); returns what stops it. */
export function startTap(filter: Record<string, unknown>, onBatch: (b: TapBatch) => void, onError: (message: string) => void): () => void {
  const url = new URL('api/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({ url: url.toString(), lazy: true, retryAttempts: 0 });
  const stop = client.subscribe<{ tap: TapBatch }>(
    { query: TAP_SUBSCRIPTION, variables: { filter } },
    {
      next: (r) => {
        if (r.errors?.length) onError(r.errors.map((e) => e.message).join('; '));
        else if (r.data) onBatch(r.data.tap);
      },
      error: (e) => onError(Array.isArray(e) ? e.map((x: { message: string }) => x.message).join('; ') : e instanceof Error ? e.message : 'the tap connection was lost'),
      complete: () => undefined,
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}
