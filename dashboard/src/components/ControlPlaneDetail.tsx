import { useMemo } from 'react';
import { api, useApi, type MetricLine } from '../api';
import { at, TimeChart } from './SignalsChart';
import { Empty, ErrorState, Loading } from './States';

const SYNC_CLASS: Record<string, string> = { SYNCED: 'status-healthy', STALE: 'status-failure', 'NOT SENT': 'status-degraded' };

function lines(ls: MetricLine[], label: (name: string) => string) {
  return ls.map((l) => ({ name: label(l.name), data: at(l.points, (p) => p.value) }));
}

/** A control plane's drill-down (seed 2.5.2): basic information, pods, proxies with xDS sync status, trust bundle, metrics. */
export function ControlPlaneDetail({ namespace, name, autoMtls, outboundTrafficPolicy }: { namespace: string; name: string; autoMtls: boolean; outboundTrafficPolicy: string }) {
  const [state, retry] = useApi(() => api.controlPlane(namespace, name), [namespace, name]);
  const versions = useMemo(() => (state.status === 'ok' && state.data ? lines(state.data.proxyVersions, (n) => `Istio ${n}`) : []), [state]);
  const rejected = useMemo(() => (state.status === 'ok' && state.data ? lines(state.data.rejectedUpdates, (n) => `${n} rejected`) : []), [state]);
  if (state.status === 'loading') return <Loading what={`control plane ${name}`} />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const d = state.data;
  if (!d) return <Empty>There is no control plane {namespace}/{name} any more.</Empty>;
  return (
    <section className="control-plane-detail" data-testid="control-plane-detail">
      <h2>{d.namespace}/{d.name}</h2>
      <dl className="facts">
        <dt>Version</dt><dd>{d.version}</dd>
        <dt>Revision</dt><dd>{d.revision}</dd>
        <dt>Root namespace</dt><dd>{d.rootNamespace}</dd>
        <dt>Trust domain</dt><dd>{d.trustDomain}</dd>
        <dt>Automatic mTLS</dt><dd>{autoMtls ? 'on' : 'off'}</dd>
        <dt>Outbound traffic policy</dt><dd>{outboundTrafficPolicy}</dd>
        <dt>Proxies</dt><dd>{d.proxies.length}</dd>
      </dl>
      <h3>Pods</h3>
      {d.pods.length === 0 ? <Empty>No istiod pod of this revision.</Empty> : (
        <table className="table" data-testid="control-plane-pods">
          <thead><tr><th>Name</th><th>Status</th><th>Ready</th><th>Restarts</th><th>Node</th><th>IP</th><th>Started</th></tr></thead>
          <tbody>
            {d.pods.map((p) => (
              <tr key={p.name}><td>{p.name}</td><td>{p.phase}</td><td>{p.ready ? 'yes' : 'no'}</td><td>{p.restarts}</td><td>{p.node ?? '–'}</td><td>{p.ip ?? '–'}</td><td>{p.startTime ? new Date(p.startTime).toLocaleString() : '–'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Proxies</h3>
      {d.proxyStatusError && <div className="banner" role="alert" data-testid="proxy-status-error">Sync status unavailable: {d.proxyStatusError}</div>}
      {d.proxies.length === 0 ? <Empty>No proxy uses this control plane.</Empty> : (
        <table className="table" data-testid="control-plane-proxies">
          <thead><tr><th>Pod</th><th>Namespace</th><th>Istio version</th><th>CDS</th><th>LDS</th><th>EDS</th><th>RDS</th></tr></thead>
          <tbody>
            {d.proxies.map((p) => (
              <tr key={`${p.namespace}/${p.pod}`} data-proxy={p.pod}>
                <td>{p.pod}</td><td>{p.namespace}</td><td>{p.istioVersion}</td>
                {[p.cds, p.lds, p.eds, p.rds].map((s, i) => <td key={i}><span className={`status ${SYNC_CLASS[s] ?? ''}`}>{s}</span></td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Trust bundle</h3>
      {d.trustBundle.length === 0 ? <Empty>istiod has not published a root certificate (ConfigMap istio-ca-root-cert) in {d.namespace}.</Empty> : (
        <table className="table" data-testid="trust-bundle">
          <thead><tr><th>Subject</th><th>Issuer</th><th>Valid from</th><th>Valid until</th><th>SHA-256</th></tr></thead>
          <tbody>
            {d.trustBundle.map((c) => (
              <tr key={c.sha256}><td>{c.subject}{c.ca ? ' (CA)' : ''}</td><td>{c.issuer}</td><td>{c.notBefore.slice(0, 10)}</td><td>{c.notAfter.slice(0, 10)}</td><td className="mono" title={c.sha256}>{c.sha256.slice(0, 23)}…</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Metrics (last hour)</h3>
      {d.errors.length > 0 && <div className="banner" role="alert">Some metrics are unavailable: {d.errors.join('; ')}</div>}
      <div className="timeline-charts">
        <TimeChart title="Proxies by Istio version" axes={['proxies']} lines={versions} testId="proxy-versions-chart" />
        <TimeChart title="Rejected configuration updates (CDS, LDS)" axes={['per s']} lines={rejected} testId="rejected-updates-chart" />
      </div>
    </section>
  );
}
