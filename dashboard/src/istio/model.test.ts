import { describe, expect, it } from 'vitest';
import { findingSummary, issueRange, istioCodeUrl, needsConfirmation, severityClass, type ResourceIssue } from './model';

describe('issueRange', () => {
  const text = 'kind: VirtualService\nspec:\n  hosts:\n  - paymnets\n';
  it('marks from the column to the end of the line', () => {
    const start = text.indexOf('paymnets');
    expect(issueRange(text, { line: 4, column: 5 })).toEqual({ from: start, to: start + 'paymnets'.length });
  });
  it('keeps positions outside the text inside it', () => {
    expect(issueRange(text, { line: 99, column: 99 }).to).toBeLessThanOrEqual(text.length);
    expect(issueRange(text, { line: 0, column: 0 })).toEqual({ from: 0, to: 'kind: VirtualService'.length });
  });
});

describe('confirmation and summaries', () => {
  const issue = (severity: string, blocking: boolean): ResourceIssue => ({
    checkId: 'x', severity, path: 'spec', message: 'm', line: 1, column: 1, blocking,
  });
  it('only non-blocking errors need a confirmation', () => {
    expect(needsConfirmation([issue('error', true), issue('warning', false), issue('error', false)])).toHaveLength(1);
  });
  it('summarises findings by severity', () => {
    expect(findingSummary([{ severity: 'error' }, { severity: 'error' }, { severity: 'warning' }])).toBe('2 errors, 1 warning');
    expect(findingSummary([])).toBe('');
  });
});

describe('istioCodeUrl', () => {
  it("points at istioctl's page for the code", () => {
    expect(istioCodeUrl('IST0101')).toBe('https://istio.io/latest/docs/reference/config/analysis/ist0101/');
  });
});

describe('severityClass', () => {
  it('marks errors and warnings, and leaves advice plain', () => {
    expect(severityClass('error')).toBe('status status-failure');
    expect(severityClass('warning')).toBe('status status-degraded');
    expect(severityClass('info')).toBe('status');
  });
});
