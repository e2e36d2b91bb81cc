import { Suspense, useEffect, useState } from 'react';
import { authConfig, currentSession, logout, type AuthConfig } from './auth';
import { ErrorState, Loading } from './components/States';
import { MENU, pageFromHash } from './navigation';
import { Login } from './pages/Login';
import { hashFor, paramsFromHash, type Params } from './urlState';

const onLoginPage = () => window.location.hash.startsWith('#/login');

export function App() {
  const [config, setConfig] = useState<AuthConfig | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [session, setSession] = useState(() => currentSession());
  const [login, setLogin] = useState(onLoginPage);
  useEffect(() => {
    authConfig()
      .then(setConfig)
      .catch((e: Error) => setConfigError(`The SMM backend cannot be reached (${e.message}).`));
  }, []);
  useEffect(() => {
    const onHash = () => {
      setLogin(onLoginPage());
      setSession(currentSession());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (configError) return <ErrorState message={configError} onRetry={() => window.location.reload()} />;
  if (!config) return <Loading what="the dashboard" />;
  const anonymous = config.mode === 'anonymous';
  if (!anonymous && (login || !session)) {
    return (
      <Login
        config={config}
        onLoggedIn={() => {
          setSession(currentSession());
          window.location.hash = '#/overview';
        }}
      />
    );
  }
  return <Dashboard anonymous={anonymous} username={session?.username} />;
}

function Dashboard({ anonymous, username }: { anonymous: boolean; username?: string }) {
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
        <div className="user" data-testid="user">
          {anonymous ? (
            'anonymous'
          ) : (
            <>
              <span title="Kubernetes user this session acts as">{username}</span>{' '}
              <button type="button" className="link" onClick={() => void logout()} data-testid="logout">
                Log out
              </button>
            </>
          )}
        </div>
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
        {anonymous && (
          <div className="banner banner-warning" role="alert" data-testid="anonymous-banner">
            Anonymous mode: nobody logs in, and everyone who reaches this dashboard acts with the backend&apos;s own Kubernetes
            permissions.
          </div>
        )}
        <h1>{current.label}</h1>
        <Suspense fallback={<Loading what={`the ${current.label} page`} />}>
          <current.page params={params} setParams={setParams} />
        </Suspense>
      </main>
    </div>
  );
}
