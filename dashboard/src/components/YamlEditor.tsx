import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { issueRange, type ResourceIssue } from '../istio/model';

/**
 * CodeMirror YAML editor with the backend's validation issues as inline markers. The issues come
 * from outside (validated by the backend, not in the browser), so they are pushed in as
 * diagnostics whenever they change.
 */
export function YamlEditor({ value, onChange, issues }: { value: string; onChange: (text: string) => void; issues: ResourceIssue[] }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          linter(null),
          keymap.of([]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once; later value changes from outside are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    const diagnostics: Diagnostic[] = issues.map((i) => ({
      ...issueRange(text, i),
      severity: i.severity === 'error' ? 'error' : i.severity === 'warning' ? 'warning' : 'info',
      message: `${i.message} [${i.checkId}${i.istioCode ? ' ' + i.istioCode : ''}]`,
      source: i.checkId,
    }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [issues, value]);

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
}
