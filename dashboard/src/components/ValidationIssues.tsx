import { useState } from 'react';
import { api, useApi } from '../api';
import { istioCodeUrl, severityClass, type ValidationFinding } from '../istio/model';
import { ErrorState, Loading } from './States';

/** OVERVIEW > VALIDATION ISSUES: the latest background validation of the whole mesh. */
export function ValidationIssues() {
  const [state, retry] = useApi(api.validation, []);
  if (state.status === 'loading') return <Loading what="validation issues" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const r = state.data;
  return (
    <section className="validation" data-testid="validation-issues">
      <h2>Validation issues</h2>
      {r.error && <div className="banner" role="alert">The last run could not read the cluster: {r.error}</div>}
      <p data-testid="validation-summary">
        {r.errors} error{r.errors === 1 ? '' : 's'}, {r.warnings} warning{r.warnings === 1 ? '' : 's'} in cluster {r.cluster} (checked{' '}
        {new Date(r.time).toLocaleTimeString()})
      </p>
      <FindingsTable findings={r.findings} />
    </section>
  );
}

/** Findings one per row; a click shows the context the check reported (port, host, secret, ...). */
export function FindingsTable({ findings }: { findings: ValidationFinding[] }) {
  const [open, setOpen] = useState<string | null>(null);
  if (findings.length === 0) return null;
  return (
    <table className="table validation-list" data-testid="validation-findings">
      <thead>
        <tr><th>Severity</th><th>Resource</th><th>Check</th><th>Message</th><th>Path</th></tr>
      </thead>
      <tbody>
        {findings.map((f, i) => (
          <tr key={i} data-check={f.checkID} onClick={() => setOpen(open === f.subjectContextKey + i ? null : f.subjectContextKey + i)}>
            <td><span className={severityClass(f.severity)}>{f.severity}</span></td>
            <td>{f.kind} {f.namespace ? `${f.namespace}/` : ''}{f.name}</td>
            <td>
              <code>{f.checkID}</code>
              {f.istioCode && <IstioCode code={f.istioCode} name={f.istioMessage ?? undefined} />}
              {f.istioMessage && <div className="istio-name" data-testid="istio-message">{f.istioMessage}</div>}
            </td>
            <td>
              {f.errorMessage}
              {open === f.subjectContextKey + i && f.context.length > 0 && (
                <div className="hint">{f.context.map((c) => `${c.key}: ${c.value}`).join(', ')} ({f.istioRevision})</div>
              )}
            </td>
            <td><code>{f.path}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An Istio analyzer code, linked to istioctl's documentation of it, as users know it from istioctl analyze. */
export function IstioCode({ code, name }: { code: string; name?: string }) {
  return (
    <a className="istio-code" data-testid="istio-code" href={istioCodeUrl(code)} target="_blank" rel="noreferrer" title={name}
      onClick={(e) => e.stopPropagation()}>
      {code}
    </a>
  );
}
