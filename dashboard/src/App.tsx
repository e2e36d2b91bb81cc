import { useEffect, useState } from 'react';
import { Empty } from './components/States';
import { MENU, pageFromHash } from './navigation';
import { Overview } from './pages/Overview';

export function App() {
  const [page, setPage] = useState(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageFromHash(window.location.hash));
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
        ) : (
          <Empty>The {current.label} page is not available in this version yet.</Empty>
        )}
      </main>
    </div>
  );
}
