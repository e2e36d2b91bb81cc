import { useEffect, useState } from 'react';
import { api, useApi } from '../api';
import { Empty, ErrorState, Loading } from '../components/States';
import { percent, perSecond } from '../format';
import { gatewayRows, trafficByGateway, type GatewayRow, type GatewayTraffic, type ResourceLike } from '../istio/gateways';
import { ResourceEditor } from '../components/ResourceEditor';
import type { Params } from '../urlState';

/** MENU > GATEWAYS: IstioMeshGateways with their ports, hosts and routes; CREATE NEW from the ingress/egress templates. */
export function Gateways({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // A new gateway goes from Reconciling to Available as its pods start: keep the statuses current.
  const [load, reload, refresh] = useApi(() => api.gatewayResources<ResourceLike>().then(gatewayRows), [], { refreshMs: 5000 });
  const [editing, setEditing] = useState<{ title: string; yaml: string } | null>(null);
  const [traffic, setTraffic] = useState<Map<string, GatewayTraffic>>(new Map());
  const rows: GatewayRow[] | null = load.status === 'ok' ? load.data : null;
  useEffect(() => {
    if (!rows || rows.length === 0) return;
    api.gatewayTraffic<never>(rows)
      .then((d) => setTraffic(trafficByGateway(rows, d)))
      .catch(() => setTraffic(new Map()));
    // The statuses refresh every 5 s; traffic is a one-minute rate, re-read with them.
  }, [rows]);
  return (
    <div className="list-page gateways">
      <div className="toolbar">
        <button type="button" onClick={() => setCreating(true)} data-testid="create-gateway">Create new</button>
      </div>
      {notice && <div className="banner" role="status" data-testid="gateways-notice">{notice}</div>}
      {creating && (
        <ResourceEditor
          title="New gateway"
          initial=""
          templateKinds={['IstioMeshGateway', 'Gateway']}
          onClose={() => setCreating(false)}
          onSaved={(r) => {
            setCreating(false);
            setNotice(`Created ${r.kind} ${r.namespace}/${r.name}.`);
            reload();
          }}
        />
      )}
      {editing && (
        <ResourceEditor key={editing.title} title={editing.title} initial={editing.yaml} onClose={() => setEditing(null)}
          onSaved={(r) => { setEditing(null); setNotice(`Saved ${r.kind} ${r.namespace}/${r.name}.`); refresh(); }} />
      )}
      {load.status === 'ok' && params.gateway && (() => {
        const g = load.data.find((r) => `${r.namespace}/${r.name}` === params.gateway);
        return g ? (
          <GatewayDetail gateway={g} onBack={() => setParams({})} onEdit={(title, yaml) => setEditing({ title, yaml })}
            onCreated={(message) => { setNotice(message); refresh(); }} />
        ) : <Empty>There is no gateway {params.gateway}.</Empty>;
      })()}
      {load.status === 'loading' && <Loading what="gateways" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={reload} />}
      {load.status === 'ok' && load.data.length === 0 && <Empty>No gateways yet. Create an ingress or egress gateway.</Empty>}
      {load.status === 'ok' && load.data.length > 0 && !params.gateway && (
        <table className="table" data-testid="gateways-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Namespace</th>
              <th>Type</th>
              <th>Open ports</th>
              <th>Hosts</th>
              <th>Routes</th>
              <th title="5xx share of the requests the gateway sent into the mesh (last minute)">Error rate</th>
              <th title="Requests the gateway sent into the mesh (last minute)">Requests/s</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {load.data.map((g) => (
              <tr key={`${g.namespace}/${g.name}`} data-gateway={g.name}>
                <td><a href={`#/gateways?gateway=${encodeURIComponent(`${g.namespace}/${g.name}`)}`}>{g.name}</a></td>
                <td>{g.namespace}</td>
                <td>{g.type}</td>
                <td>{g.ports.join(', ') || '—'}</td>
                <td title={g.hosts.join('\n')}>{g.hosts.length}</td>
                <td>{g.routes}</td>
                <td>{percent(traffic.get(`${g.namespace}/${g.name}`)?.errorRatio)}</td>
                <td>{perSecond(traffic.get(`${g.namespace}/${g.name}`)?.requestsPerSecond)}</td>
                <td><span className={`status ${g.status === 'Available' ? 'status-healthy' : 'status-degraded'}`}>{g.status}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A gateway's Ports & Hosts (its Gateways' servers, editable), CREATE NEW entry point, and the VirtualServices bound to it. */
function GatewayDetail({ gateway, onBack, onEdit, onCreated }: {
  gateway: GatewayRow;
  onBack: () => void;
  onEdit: (title: string, yaml: string) => void;
  onCreated: (message: string) => void;
}) {
  const [form, setForm] = useState({ port: '443', protocol: 'HTTPS', hosts: '', tlsSecret: '', letsEncrypt: false, email: '' });
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setResult(null);
    try {
      const input = { namespace: gateway.namespace, meshGateway: gateway.name, port: Number(form.port), protocol: form.protocol,
        hosts: form.hosts.split(',').map((h) => h.trim()).filter(Boolean), tlsSecret: form.letsEncrypt ? null : form.tlsSecret || null,
        letsEncryptEmail: form.letsEncrypt ? form.email : null };
      const r = await api.createEntryPoint<{
        alsoCreated: string[]; gateway: { applied: boolean; resource: { name: string } | null; issues: { checkId: string; severity: string; message: string }[] } }>(input);
      if (r.gateway.applied) {
        onCreated(`Created Gateway ${gateway.namespace}/${r.gateway.resource?.name}` + (r.alsoCreated.length ? ` with ${r.alsoCreated.join(', ')}` : '') + '.');
      } else {
        setResult('Not created: ' + r.gateway.issues.filter((i) => i.severity === 'error').map((i) => `${i.message} [${i.checkId}]`).join('; '));
      }
    } catch (e) {
      setResult((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const tlsProtocol = form.protocol === 'HTTPS' || form.protocol === 'TLS';
  return (
    <section className="detail" data-testid="gateway-detail">
      <button type="button" className="back" onClick={onBack}>← Gateways</button>
      <h2>{gateway.namespace}/{gateway.name}</h2>
      <dl>
        <dt>Type</dt><dd>{gateway.type}</dd>
        <dt>Open ports</dt><dd>{gateway.ports.join(', ') || '—'}</dd>
        <dt>Status</dt><dd>{gateway.status}</dd>
      </dl>
      <h3>Ports &amp; Hosts</h3>
      {gateway.entryPoints.length === 0 ? <Empty>No Gateway configures this gateway yet: it accepts nothing.</Empty> : (
        <table className="table" data-testid="entry-points">
          <thead><tr><th>Gateway name</th><th>Gateway namespace</th><th>Port</th><th>Protocol</th><th>Hosts</th><th>TLS</th><th /></tr></thead>
          <tbody>
            {gateway.entryPoints.map((e, i) => (
              <tr key={i} data-entry={`${e.port}/${e.protocol}`}>
                <td>{e.gateway.name}</td><td>{e.gateway.namespace}</td><td>{e.port}</td><td>{e.protocol}</td><td>{e.hosts.join(', ')}</td>
                <td>
                  {e.tls || '—'}
                  {e.certificate && (e.certificate.ready
                    ? <span className="status status-healthy" title={e.certificate.detail} data-testid="tls-ready"> ✓</span>
                    : <span className="status status-degraded" title={e.certificate.detail} data-testid="tls-pending"> ⚠ {e.certificate.detail}</span>)}
                </td>
                <td><button type="button" onClick={() => onEdit(`Gateway ${e.gateway.namespace}/${e.gateway.name}`, e.gateway.yaml ?? '')}>Edit</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="slo-form" data-testid="entry-point-form">
        <strong>Create new entry point</strong>
        <label>Port <input name="port" value={form.port} onChange={(e) => setForm({ ...form, port: e.target.value })} size={6} /></label>
        <label>Protocol{' '}
          <select name="protocol" value={form.protocol} onChange={(e) => setForm({ ...form, protocol: e.target.value })}>
            {['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS'].map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>Hosts <input name="hosts" placeholder="app.example.org, *.example.org" value={form.hosts}
          onChange={(e) => setForm({ ...form, hosts: e.target.value })} /></label>
        {tlsProtocol && (
          <>
            <label><input type="checkbox" name="letsEncrypt" checked={form.letsEncrypt}
              onChange={(e) => setForm({ ...form, letsEncrypt: e.target.checked })} /> Use Let&apos;s Encrypt for TLS</label>
            {form.letsEncrypt ? (
              <label>Contact email <input name="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
            ) : (
              <label>TLS secret name <input name="tlsSecret" value={form.tlsSecret} onChange={(e) => setForm({ ...form, tlsSecret: e.target.value })} /></label>
            )}
          </>
        )}
        <button type="button" disabled={busy} onClick={create} data-testid="create-entry-point">Create</button>
        {result && <span className="state-error" role="alert"> {result}</span>}
      </div>
      <h3>Virtual services</h3>
      {gateway.virtualServices.length === 0 ? <Empty>No VirtualService is bound to this gateway's Gateways.</Empty> : (
        <table className="table" data-testid="gateway-routes">
          <thead><tr><th>Virtual service</th><th>Hosts</th><th>Gateways</th><th /></tr></thead>
          <tbody>
            {gateway.virtualServices.map((vs) => {
              const spec = JSON.parse(vs.spec);
              return (
                <tr key={`${vs.namespace}/${vs.name}`}>
                  <td>{vs.namespace}/{vs.name}</td><td>{(spec.hosts ?? []).join(', ')}</td><td>{(spec.gateways ?? []).join(', ')}</td>
                  <td><button type="button" onClick={() => onEdit(`VirtualService ${vs.namespace}/${vs.name}`, vs.yaml ?? '')}>Edit</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
