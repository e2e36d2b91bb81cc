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
  periodSeconds: number | null;
  dataSeconds: number | null;
  burnRates: { window: string; rate: number | null }[];
  alerts: Policy[];
}

/** An alerting policy as the SRE controller applied it, with its alert's state. */
export interface Policy {
  policy: string;
  severity: string;
  state: string;
  threshold: number | null;
  lookBackWindow: string;
  secondaryWindow: string;
  conditionMetDuration: string;
}

export interface SliTemplate {
  name: string;
  namespace: string;
  kind: string;
  description: string;
  parameters: { name: string; default: string | null; description: string; advanced: boolean }[];
}

/** "14.4x" with one decimal, "–" until Prometheus has evaluated the rules. */
export function burnRate(v: number | null): string {
  return v == null ? '–' : `${v.toFixed(v >= 10 ? 1 : 2)}x`;
}

/** Share of the budget spent, as a percentage ("400%" when overspent four times). */
export function consumed(v: number | null): string {
  return v == null ? '–' : `${(v * 100).toFixed(v * 100 >= 10 ? 0 : 1)}%`;
}

/** A span as people say it: 45s, 8m, 3h, 2d. */
export function span(secs: number): string {
  if (secs < 60) return `${Math.round(secs)}s`;
  if (secs < 3600) return `${Math.round(secs / 60)}m`;
  if (secs < 86400) return `${Math.round(secs / 3600)}h`;
  return `${Math.round(secs / 86400)}d`;
}

/**
 * The budget column: the share consumed, and when the period's numbers rest on less data than the
 * period (a new SLO, a young Prometheus), how much: "9337% consumed" after 8 minutes of a 30-day
 * window is an extrapolation of 8 minutes, not a spent budget.
 */
export function budgetText(s: Pick<Slo, 'budgetConsumed' | 'periodSeconds' | 'dataSeconds' | 'period'>): string {
  const value = consumed(s.budgetConsumed);
  if (s.budgetConsumed == null || s.dataSeconds == null || s.periodSeconds == null || s.dataSeconds >= s.periodSeconds * 0.99) return value;
  return `${value} at the rate of the first ${span(s.dataSeconds)} (${span(s.dataSeconds)} of ${s.period} recorded)`;
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

/** Seconds of a Prometheus duration (5m, 1h, 1008m, 0s); NaN when it is not one. */
export function seconds(d: string): number {
  const parts = [...d.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) return Number.NaN;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0);
}

/**
 * How long a policy takes to alert on a sudden outage failing {@code errorRate} of requests (0..1):
 * the error ratio over the look-back window reaches threshold x budget after
 * threshold x budget x window / errorRate, then the condition must hold for conditionMetDuration.
 * Null when the outage is too small ever to cross the threshold. (The shorter secondary window
 * crosses earlier, so it never delays the alert.)
 */
export function timeToAlertSeconds(p: Policy, budget: number, errorRate: number): number | null {
  if (p.threshold == null || errorRate <= 0) return null;
  const limit = p.threshold * budget;
  if (errorRate < limit * (1 - 1e-9)) return null; // the product of two decimals is not exact
  const hold = seconds(p.conditionMetDuration || '0s');
  return (limit * seconds(p.lookBackWindow)) / errorRate + (Number.isNaN(hold) ? 0 : hold);
}
