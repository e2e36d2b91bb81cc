// What the Mesh page says about the mesh's recording rules: pure functions, tested without a browser.

import type { RecordingRules } from '../api/types';

export interface RulesNote {
  level: 'ok' | 'warning' | 'unknown';
  text: string;
  /** What to do about it, when something is missing. */
  remedy?: string;
  /** Names or errors to list under the text. */
  details: string[];
}

const INSTALL = 'smm install adds them beside the Prometheus it deploys (PrometheusRule smm-mesh-telemetry). For a Prometheus of '
  + 'your own, smm install --dump-resources prints that PrometheusRule: load it with the prometheus-operator, or put its spec in a '
  + 'file listed under rule_files.';

/** Seconds since the group last ran, as a short phrase ("12 s ago"). */
function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

export function rulesNote(r: RecordingRules, now = new Date()): RulesNote {
  if (r.error) {
    return { level: 'unknown', text: `Prometheus could not say which recording rules it evaluates: ${r.error}`, details: [] };
  }
  if (r.loaded === 0) {
    return {
      level: 'warning',
      text: 'Prometheus does not evaluate the mesh\'s recording rules: the topology and health are computed from the raw metrics, '
        + 'which gets slow on large meshes.',
      remedy: INSTALL,
      details: [],
    };
  }
  const ran = r.lastEvaluation ? `, last run ${ago(r.lastEvaluation, now)}`
    + (r.evaluationSeconds !== null ? ` in ${r.evaluationSeconds.toFixed(2)} s` : '') : ', not run yet';
  if (r.missing.length > 0) {
    return {
      level: 'warning',
      text: `Prometheus evaluates ${r.loaded} of the ${r.expected} recording rules (group ${r.group}${ran}); what the missing ones `
        + 'record is computed from the raw metrics.',
      remedy: 'An older set, or a partial copy: run smm reconcile, or load the current smm install --dump-resources rule file.',
      details: r.missing,
    };
  }
  if (r.failing.length > 0) {
    return {
      level: 'warning',
      text: `${r.failing.length} of the ${r.expected} recording rules fail in Prometheus (group ${r.group}${ran}).`,
      details: r.failing.map((f) => `${f.rule}: ${f.error}`),
    };
  }
  return { level: 'ok', text: `All ${r.expected} recording rules are evaluated (group ${r.group}${ran}): large meshes stay fast.`, details: [] };
}
