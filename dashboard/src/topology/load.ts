// The Topology page's "generate load" form (the manual's HTTP form): what it sends, and what is wrong with it. Pure, tested without a browser.

export interface LoadForm {
  namespace: string;
  method: string;
  url: string;
  headers: string;
  rate: string;
  duration: string;
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The form a page opens with: the demo's entry point, or a service of the namespace being looked at. */
export function defaultForm(namespaces: string[]): LoadForm {
  const namespace = namespaces[0] ?? 'smm-demo';
  return { namespace, method: 'GET', url: `http://frontpage.${namespace}:8080/`, headers: '', rate: '10', duration: '30' };
}

/** The mutation's input, or the first thing a user must fix. Headers are "name: value" lines. */
export function loadInput(f: LoadForm): { ok: true; input: Record<string, unknown> } | { ok: false; message: string } {
  if (!f.namespace.trim()) return { ok: false, message: 'Namespace: where the load generator runs (a namespace in the mesh).' };
  if (!/^http:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(f.url.trim())) return { ok: false, message: 'URL: http://service.namespace:port/path, e.g. http://frontpage.smm-demo:8080/' };
  const headers: { key: string; value: string }[] = [];
  for (const line of f.headers.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, message: `Headers: "${line}" is not "name: value".` };
    headers.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  const rate = Number(f.rate);
  if (!(rate > 0 && rate <= 1000)) return { ok: false, message: 'Rate: requests per second, above 0 and at most 1000.' };
  const duration = Number(f.duration);
  if (!Number.isInteger(duration) || duration < 1 || duration > 3600) return { ok: false, message: 'Duration: whole seconds from 1 to 3600.' };
  return { ok: true, input: { namespace: f.namespace.trim(), url: f.url.trim(), method: f.method, headers, requestsPerSecond: rate, durationSeconds: duration } };
}
