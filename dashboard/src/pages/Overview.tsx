import { MeshSignals } from '../components/MeshSignals';
import { MeshTimelines } from '../components/MeshTimelines';
import { SloSummaryCard } from '../components/SloSummaryCard';
import { ValidationIssues } from '../components/ValidationIssues';
import { Empty, ErrorState, Loading } from '../components/States';
import { api, useApi } from '../api';

export function Overview() {
  const [state, retry] = useApi(api.overview, []);
  if (state.status === 'loading') return <Loading what="the mesh overview" />;
  if (state.status === 'error') return <ErrorState message={state.message} onRetry={retry} />;
  const { clusters, namespaces } = state.data;
  const injected = namespaces.filter((n) => n.sidecarInjection);
  return (
    <div className="overview">
      <MeshSignals />
      <MeshTimelines />
      <section className="cards">
        <div className="card" data-testid="cluster-count">
          <div className="card-value">{clusters.length}</div>
          <div className="card-label">{clusters.length === 1 ? 'Cluster' : 'Clusters'}</div>
        </div>
        <div className="card" data-testid="namespace-count">
          <div className="card-value">{namespaces.length}</div>
          <div className="card-label">Namespaces</div>
        </div>
        <div className="card" data-testid="injected-namespace-count">
          <div className="card-value">{injected.length}</div>
          <div className="card-label">Namespaces with sidecar injection</div>
        </div>
        <SloSummaryCard />
      </section>
      <ValidationIssues />
      <h2>Clusters</h2>
      {clusters.length === 0 ? (
        <Empty>No cluster is reachable.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kubernetes version</th>
              <th>Nodes</th>
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.name}>
                <td className="cluster-name">{c.name}</td>
                <td>{c.kubernetesVersion ?? '–'}</td>
                <td>{c.nodeCount ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Namespaces</h2>
      {namespaces.length === 0 ? (
        <Empty>There are no namespaces you can see.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Sidecar injection</th>
            </tr>
          </thead>
          <tbody>
            {namespaces.map((n) => (
              <tr key={n.name}>
                <td>{n.name}</td>
                <td>{n.sidecarInjection ? `enabled${n.istioRevision ? ` (${n.istioRevision})` : ''}` : 'disabled'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
