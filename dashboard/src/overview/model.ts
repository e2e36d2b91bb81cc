// The Overview's timelines: which steps a range is drawn in, and namespace health over time from
// the services' health timelines. Pure functions, tested without a browser.

import type { NodeHealth } from '../topology/health';
import type { Health, HealthStatus } from '../topology/model';

/** The ranges the Overview's charts offer, in seconds (15 minutes to a day). */
export const RANGES: { seconds: number; label: string }[] = [
  { seconds: 900, label: 'last 15 minutes' },
  { seconds: 1800, label: 'last 30 minutes' },
  { seconds: 3600, label: 'last hour' },
  { seconds: 3 * 3600, label: 'last 3 hours' },
  { seconds: 12 * 3600, label: 'last 12 hours' },
  { seconds: 86400, label: 'last 24 hours' },
];

/** A step that gives at most 120 points, never finer than a minute (the health window). */
export function stepFor(rangeSeconds: number): number {
  return Math.max(60, Math.ceil(rangeSeconds / 120 / 60) * 60);
}

const WORST: HealthStatus[] = ['FAILURE', 'DEGRADED', 'HEALTHY', 'NO_TRAFFIC'];

/**
 * Per namespace, at each step, the worst status among its services that had traffic, and how many
 * were failing or degraded: the namespace health rows of the Overview.
 */
export function namespaceHealth(nodes: NodeHealth[]): { namespace: string; timeline: Health[] }[] {
  const byNamespace = new Map<string, Map<string, Health[]>>();
  nodes.filter((n) => n.id.startsWith('service:')).forEach((n) => {
    const namespace = n.id.split('/')[1] ?? '';
    const steps = byNamespace.get(namespace) ?? new Map<string, Health[]>();
    n.timeline.forEach((h) => steps.set(h.time, [...(steps.get(h.time) ?? []), h]));
    byNamespace.set(namespace, steps);
  });
  return [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, steps]) => ({
    namespace,
    timeline: [...steps.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([time, all]) => {
      const status = WORST.find((s) => all.some((h) => h.status === s)) ?? 'NO_TRAFFIC';
      const failing = all.filter((h) => h.status === 'FAILURE').length;
      const degraded = all.filter((h) => h.status === 'DEGRADED').length;
      const reasons = [failing ? `${failing} failing` : '', degraded ? `${degraded} degraded` : ''].filter(Boolean);
      return { time, status, score: Math.min(...all.map((h) => h.score)), requestsPerSecond: all.reduce((a, h) => a + h.requestsPerSecond, 0), errorRatio: 0, p95Ms: null, reasons };
    }),
  }));
}
