/** A labelled drop-down of fixed options, as the toolbars use them. */
export function Choice<T extends string | number>({ label, value, options, onChange, testId }: {
  label: string;
  value: T;
  options: { id: T; label: string }[];
  onChange: (id: string) => void;
  testId: string;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
