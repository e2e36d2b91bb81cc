import { api, useApi } from '../api';

/** Multi-select of the cluster's namespaces (injected ones marked); none selected means all. */
export function NamespacePicker({ selected, onChange }: { selected: string[]; onChange: (ns: string[]) => void }) {
  const [state] = useApi(api.namespaces, []);
  if (state.status !== 'ok') return <span className="picker-placeholder">namespaces…</span>;
  return (
    <fieldset className="namespace-picker" aria-label="Namespaces">
      <legend>Namespaces</legend>
      {state.data.map((n) => (
        <label key={n.name}>
          <input
            type="checkbox"
            checked={selected.includes(n.name)}
            onChange={(e) => onChange(e.target.checked ? [...selected, n.name] : selected.filter((s) => s !== n.name))}
          />
          {n.name}
          {n.sidecarInjection ? ' ●' : ''}
        </label>
      ))}
    </fieldset>
  );
}
