/** CPU as Kubernetes writes it: millicores below one core ("120m"), cores above ("1.50"); "–" when unknown. */
export function cores(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–';
  return value < 1 ? `${Math.round(value * 1000)}m` : value.toFixed(2);
}

/** Bytes in binary units, as kubectl top shows memory ("45.2 MiB"); "–" when unknown. */
export function bytes(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A 0..1 share as "2.5%"; "—" when unknown. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A rate as "12.5"; "—" when unknown. */
export function perSecond(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1);
}
