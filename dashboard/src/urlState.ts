// Page state lives in the location hash's query string (#/topology?ns=smm-demo&label=p95), so a
// URL shows the same view to whoever opens it.

export type Params = Record<string, string>;

export function paramsFromHash(hash: string): Params {
  const q = hash.indexOf('?');
  const out: Params = {};
  if (q < 0) return out;
  new URLSearchParams(hash.slice(q + 1)).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** The hash for a page with these params; empty values are left out. */
export function hashFor(page: string, params: Params): string {
  const search = new URLSearchParams();
  Object.keys(params)
    .sort()
    .forEach((k) => {
      if (params[k] !== undefined && params[k] !== '') search.set(k, params[k]);
    });
  const s = search.toString();
  return `#/${page}${s ? `?${s}` : ''}`;
}

export function listParam(value: string | undefined): string[] {
  return value ? value.split(',').filter((v) => v.length > 0) : [];
}
