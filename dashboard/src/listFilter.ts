import type { Health, HealthStatus } from './topology/model';

/** What the Services and Workloads lists are narrowed to: a name part and a current health status (URL q= and health=). */
export interface ListFilter {
  text: string;
  health: HealthStatus | 'UNKNOWN' | '';
}

export const HEALTH_FILTERS: { id: ListFilter['health']; label: string }[] = [
  { id: '', label: 'any health' },
  { id: 'FAILURE', label: 'failure' },
  { id: 'DEGRADED', label: 'degraded' },
  { id: 'HEALTHY', label: 'healthy' },
  { id: 'NO_TRAFFIC', label: 'no traffic' },
  { id: 'UNKNOWN', label: 'unknown' },
];

export function filterOf(params: Record<string, string>): ListFilter {
  const health = HEALTH_FILTERS.find((h) => h.id !== '' && h.id.toLowerCase() === params.health)?.id ?? '';
  return { text: params.q ?? '', health };
}

/** Whether an item passes: its name (or app/labels text) contains the text, case-insensitively, and its latest health is the status. */
export function passes(searchable: string, timeline: Health[] | undefined, f: ListFilter): boolean {
  if (f.text && !searchable.toLowerCase().includes(f.text.trim().toLowerCase())) return false;
  if (!f.health) return true;
  const current = timeline?.[timeline.length - 1]?.status ?? 'UNKNOWN';
  return current === f.health;
}
