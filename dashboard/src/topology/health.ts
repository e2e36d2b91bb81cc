import { graphqlPartial } from '../graphql';
import type { Health } from './model';

export interface NodeHealth {
  id: string;
  timeline: Health[];
}

export const HEALTH_QUERY = `query Health($namespaces: [String!], $end: String, $range: Int, $step: Int) {
  health(namespaces: $namespaces, end: $end, rangeSeconds: $range, stepSeconds: $step) {
    id timeline { time score status requestsPerSecond errorRatio p95Ms reasons }
  }
}`;

/** Health timelines of the namespaces' services and workloads (30 minutes in 1-minute steps unless said otherwise). */
export async function fetchHealth(namespaces: string[], end?: string, rangeSeconds = 1800, stepSeconds = 60) {
  return graphqlPartial<{ health: NodeHealth[] }>(HEALTH_QUERY, {
    namespaces: namespaces.length ? namespaces : null,
    end: end ?? null,
    range: rangeSeconds,
    step: stepSeconds,
  });
}
