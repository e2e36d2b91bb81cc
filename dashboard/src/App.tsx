import { useEffect, useState } from 'react';
import { Empty } from './components/States';
import { MENU, pageFromHash } from './navigation';
import { Gateways } from './pages/Gateways';
import { IstioResources } from './pages/IstioResources';
import { Mesh } from './pages/Mesh';
import { Overview } from './pages/Overview';
import { Services, Workloads } from './pages/Services';
import { Tap } from './pages/Tap';
import { Topology } from './pages/Topology';
import { hashFor, paramsFromHash, type Params } from './urlState';

export function App() {
  const [page, setPage] = useState(() => pageFromHash(window.location.hash));
  const [params, setParamsState] = useState<Params>(() => paramsFromHash(window.location.hash));
  // Page state goes into the URL (shareable); the hashchange handler reads it back.
  const setParams = (p: Params) => {
    window.location.hash = hashFor(page, p);
  };
  useEffect(() => {
    const onHash = () => {
      setPage(pageFromHash(window.location.hash));
      setParamsState(paramsFromHash(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const current = MENU.find((m) => m.id === page)!;
  return (
    <div className="layout">
      <nav className="sidebar" aria-label="Main menu">
        <div className="brand">Service Mesh Manager</div>
        <ul>
          {MENU.map((m) => (
            <li key={m.id}>
              <a href={`#/${m.id}`} className={m.id === page ? 'active' : undefined}>
                {m.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <h1>{current.label}</h1>
        {page === 'overview' ? (
          <Overview />
        ) : page === 'mesh' ? (
          <Mesh />
        ) : page === 'topology' ? (
          <Topology params={params} setParams={setParams} />
        ) : page === 'services' ? (
          <Services params={params} setParams={setParams} />
        ) : page === 'workloads' ? (
          <Workloads params={params} setParams={setParams} />
        ) : page === 'tap' ? (
          <Tap params={params} setParams={setParams} />
        ) : page === 'istio-resources' ? (
          <IstioResources params={params} setParams={setParams} />
        ) : page === 'gateways' ? (
          <Gateways params={params} setParams={setParams} />
        ) : (
          <Empty>The {current.label} page is not available in this version yet.</Empty>
        )}
      </main>
    </div>
  );
}
