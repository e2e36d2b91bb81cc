// SLOs as the backend lists them, and how the Services page words their numbers.

export interface Slo {
  name: string;
  service: string;
  template: string;
  goal: number | null;
  period: string;
  status: string;
  error: string | null;
  currentBurnRate: number | null;
  budgetConsumed: number | null;
  compliance: number | null;
  burnRates: { window: string; rate: number | null }[];
  alerts: { policy: string; severity: string; state: string }[];
}

export interface SliTemplate {
  name: string;
  namespace: string;
  kind: string;
  description: string;
  parameters: { name: string; default: string | null; description: string; advanced: boolean }[];
}

export const SLOS_QUERY = `query Slos($ns: String!, $service: String) {
  slos(namespace: $ns, service: $service) {
    name service template goal period status error currentBurnRate budgetConsumed compliance
    burnRates { window rate } alerts { policy severity state }
  }
  sliTemplates { name namespace kind description parameters { name default description advanced } }
}`;

export const CREATE_SLO = `mutation Create($input: SloInput!) { createSlo(input: $input) { name status } }`;

/** "14.4x" with one decimal, "–" until Prometheus has evaluated the rules. */
export function burnRate(v: number | null): string {
  return v == null ? '–' : `${v.toFixed(v >= 10 ? 1 : 2)}x`;
}

/** Share of the budget spent, as a percentage ("400%" when overspent four times). */
export function consumed(v: number | null): string {
  return v == null ? '–' : `${(v * 100).toFixed(v * 100 >= 10 ? 0 : 1)}%`;
}

/** The alerts column: firing and pending policies, "none" when all are quiet. */
export function alertSummary(alerts: Slo['alerts']): string {
  const active = alerts.filter((a) => a.state !== 'inactive');
  return active.length === 0 ? 'none' : active.map((a) => `${a.severity} ${a.state} (${a.policy})`).join(', ');
}

/** A suggested SLO name: <service>-<template kind>, as the seed's examples name them. */
export function suggestedName(service: string, template: SliTemplate | undefined): string {
  return `${service}-${template?.kind === 'latency' ? 'latency' : 'availability'}`;
}
