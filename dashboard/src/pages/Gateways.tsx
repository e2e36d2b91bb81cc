import { useCallback, useEffect, useState } from 'react';
import { Empty, ErrorState, Loading } from '../components/States';
import { graphql } from '../graphql';
import { gatewayRows, type GatewayRow, type ResourceLike } from '../istio/gateways';
import { ResourceEditor } from './IstioResources';

const QUERY = `query Gateways { istioResources { kind namespace name spec status } }`;

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; rows: GatewayRow[] };

/** MENU > GATEWAYS: IstioMeshGateways with their ports, hosts and routes; CREATE NEW from the ingress/egress templates. */
export function Gateways() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = useCallback((quiet = false) => {
    if (!quiet) setLoad({ status: 'loading' });
    graphql<{ istioResources: ResourceLike[] }>(QUERY)
      .then((d) => setLoad({ status: 'ok', rows: gatewayRows(d.istioResources) }))
      .catch((e: Error) => setLoad({ status: 'error', message: e.message }));
  }, []);
  useEffect(() => {
    reload();
    // A new gateway goes from Reconciling to Available as its pods start: keep the statuses current.
    const timer = setInterval(() => reload(true), 5000);
    return () => clearInterval(timer);
  }, [reload]);
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
      {load.status === 'loading' && <Loading what="gateways" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={() => reload()} />}
      {load.status === 'ok' && load.rows.length === 0 && <Empty>No gateways yet. Create an ingress or egress gateway.</Empty>}
      {load.status === 'ok' && load.rows.length > 0 && (
        <table className="table" data-testid="gateways-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Namespace</th>
              <th>Type</th>
              <th>Open ports</th>
              <th>Hosts</th>
              <th>Routes</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {load.rows.map((g) => (
              <tr key={`${g.namespace}/${g.name}`} data-gateway={g.name}>
                <td>{g.name}</td>
                <td>{g.namespace}</td>
                <td>{g.type}</td>
                <td>{g.ports.join(', ') || '—'}</td>
                <td title={g.hosts.join('\n')}>{g.hosts.length}</td>
                <td>{g.routes}</td>
                <td><span className={`status ${g.status === 'Available' ? 'status-healthy' : 'status-degraded'}`}>{g.status}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
