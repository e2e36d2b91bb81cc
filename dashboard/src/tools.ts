// Links into the UIs the backend proxies on its tools port (Grafana, the tracing server's UI): an origin apart
// from the dashboard's, entered with a one-time ticket the backend hands out (GraphQL openTool).

import { api } from './api';

/** The product's Grafana dashboards (uid smm-NAME) and their variables. */
export type GrafanaDashboard = 'mesh' | 'service' | 'workload' | 'control-plane' | 'slo';

/** A Grafana dashboard's path with its variables and the last 30 minutes, as the dashboard's own charts show. */
export function grafanaPath(dashboard: GrafanaDashboard, variables: Record<string, string>, from = 'now-30m', to = 'now'): string {
  const query = new URLSearchParams();
  Object.entries(variables).forEach(([k, v]) => query.set(`var-${k}`, v));
  query.set('from', from);
  query.set('to', to);
  return `/grafana/d/smm-${dashboard}/?${query.toString()}`;
}

/** A trace in the tracing server's own UI: Zipkin's or Jaeger's, whichever API the backend found. */
export function traceUiPath(api: string | null, traceId: string): string {
  return api === 'jaeger' ? `/jaeger/trace/${traceId}` : `/zipkin/traces/${traceId}`;
}

/** The address of a tool path on the tools port of the host the dashboard came from. */
export function toolUrl(location: { protocol: string; hostname: string }, port: number, path: string): string {
  return `${location.protocol}//${location.hostname}:${port}${path}`;
}

/**
 * Opens a tool path in a new tab. The tab opens at once (a popup opened after the backend's answer
 * would be blocked), without a handle back to the dashboard, and goes to the ticketed link.
 */
export async function openTool(path: string): Promise<void> {
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  try {
    const link = await api.openTool(path);
    const url = toolUrl(window.location, link.port, link.path);
    if (tab) tab.location.href = url;
    else window.location.href = url;
  } catch (e) {
    tab?.close();
    window.alert(`Could not open ${path.split('/')[1]}: ${(e as Error).message}`);
  }
}
