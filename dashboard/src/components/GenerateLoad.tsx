import { useState } from 'react';
import { api } from '../api';
import { defaultForm, loadInput, METHODS, type LoadForm } from '../topology/load';

/** The manual's HTTP form on the Topology page: send test traffic into the mesh and see it appear in the graph. */
export function GenerateLoad({ namespaces, onClose }: { namespaces: string[]; onClose: () => void }) {
  const [form, setForm] = useState<LoadForm>(defaultForm(namespaces));
  const [state, setState] = useState<{ status: 'idle' } | { status: 'sending' } | { status: 'error'; message: string } | { status: 'sent'; pod: string; until: string }>({ status: 'idle' });
  const set = (p: Partial<LoadForm>) => setForm({ ...form, ...p });
  const send = () => {
    const input = loadInput(form);
    if (!input.ok) {
      setState({ status: 'error', message: input.message });
      return;
    }
    setState({ status: 'sending' });
    api.generateLoad(input.input)
      .then((run) => setState({ status: 'sent', pod: run.pod, until: run.until }))
      .catch((e: Error) => setState({ status: 'error', message: e.message }));
  };
  return (
    <form className="slo-form load-form" data-testid="load-form" onSubmit={(e) => { e.preventDefault(); send(); }}>
      <label>Method <select value={form.method} onChange={(e) => set({ method: e.target.value })} data-testid="load-method">
        {METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
      </select></label>
      <label>URL <input size={36} value={form.url} onChange={(e) => set({ url: e.target.value })} data-testid="load-url" /></label>
      <label>From namespace <input size={12} value={form.namespace} onChange={(e) => set({ namespace: e.target.value })} data-testid="load-namespace" /></label>
      <label>Headers <textarea rows={2} placeholder="name: value" value={form.headers} onChange={(e) => set({ headers: e.target.value })} data-testid="load-headers" /></label>
      <label>Requests/s <input size={5} value={form.rate} onChange={(e) => set({ rate: e.target.value })} data-testid="load-rate" /></label>
      <label>Duration (s) <input size={5} value={form.duration} onChange={(e) => set({ duration: e.target.value })} data-testid="load-duration" /></label>
      <button type="submit" disabled={state.status === 'sending'} data-testid="load-send">SEND</button>
      <button type="button" onClick={onClose}>Close</button>
      {state.status === 'sent' && (
        <p className="hint" data-testid="load-status">
          Sending {form.method} {form.url} at {form.rate}/s for {form.duration}s from pod {state.pod} (it stops by {new Date(state.until).toLocaleTimeString()}); the graph shows it within a refresh or two.
        </p>
      )}
      {state.status === 'error' && <div className="banner" role="alert" data-testid="load-error">{state.message}</div>}
    </form>
  );
}
