// Istio resources, templates and validation as the dashboard uses them.

export interface ResourceIssue {
  checkId: string;
  severity: 'error' | 'warning' | 'info' | string;
  path: string;
  message: string;
  line: number;
  column: number;
  blocking: boolean;
  /** The Istio analyzer code this finding mirrors (IST0101), if any. */
  istioCode?: string | null;
}

export interface ValidationFinding {
  checkID: string;
  severity: string;
  subjectContextKey: string;
  kind: string;
  namespace: string;
  name: string;
  istioRevision: string;
  path: string;
  errorMessage: string;
  context: { key: string; value: string }[];
  /** The Istio analyzer message this finding mirrors: code (IST0101) and name (ReferencedResourceNotFound). */
  istioCode?: string | null;
  istioMessage?: string | null;
}

/** The badge a severity wears: errors red, warnings amber, infos (advice) plain. */
export function severityClass(severity: string): string {
  return severity === 'error' ? 'status status-failure' : severity === 'warning' ? 'status status-degraded' : 'status';
}

/** istioctl's documentation page for an analyzer code ("IST0101" -> .../analysis/ist0101/). */
export function istioCodeUrl(code: string): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
}

export interface IstioResource {
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  created: string | null;
  yaml: string;
  /** The spec as JSON text. */
  spec: string;
  validation: ValidationFinding[];
}

export interface IstioTemplate {
  id: string;
  kind: string;
  title: string;
  description: string;
  parameters: { name: string; description: string; default: string }[];
}

export interface ApplyResult {
  applied: boolean;
  created: boolean;
  resource: IstioResource | null;
  issues: ResourceIssue[];
  overridden: ResourceIssue[];
}

export const KINDS = [
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'ServiceEntry',
  'Sidecar',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'IstioMeshGateway',
];

/** A CodeMirror diagnostic range for an issue: from its line/column to the end of that line. */
export function issueRange(text: string, issue: Pick<ResourceIssue, 'line' | 'column'>): { from: number; to: number } {
  const lines = text.split('\n');
  const lineIndex = Math.min(Math.max(issue.line, 1), Math.max(lines.length, 1)) - 1;
  let offset = 0;
  for (let i = 0; i < lineIndex; i++) offset += lines[i].length + 1;
  const line = lines[lineIndex] ?? '';
  const col = Math.min(Math.max(issue.column, 1) - 1, line.length);
  const to = offset + line.length;
  const from = Math.min(offset + col, to);
  return { from, to: Math.max(to, from) };
}

/** Errors that saving must be confirmed for (the backend refuses them without force). */
export function needsConfirmation(issues: ResourceIssue[]): ResourceIssue[] {
  return issues.filter((i) => !i.blocking && i.severity === 'error');
}

/** Counts for a resource's row: "2 errors, 1 warning", "" when clean. */
export function findingSummary(findings: Pick<ValidationFinding, 'severity'>[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const infos = findings.length - errors - warnings;
  const part = (n: number, word: string) => (n === 0 ? null : `${n} ${word}${n === 1 ? '' : 's'}`);
  return [part(errors, 'error'), part(warnings, 'warning'), part(infos, 'info')].filter(Boolean).join(', ');
}
