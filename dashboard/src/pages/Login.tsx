import { useEffect, useState } from 'react';
import { redeemLoginToken, type AuthConfig } from '../auth';
import { ErrorState, Loading } from '../components/States';
import { paramsFromHash } from '../urlState';

/**
 * The login window: `smm dashboard` opens it with a one-time token in the URL, which is redeemed
 * at once and removed from the address bar; otherwise the user pastes the token `smm login`
 * printed, or logs in through the OIDC provider when one is configured.
 */
export function Login({ config, onLoggedIn }: { config: AuthConfig | null; onLoggedIn: () => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  // An OIDC login that failed comes back with its reason.
  const [error, setError] = useState<string | null>(() => paramsFromHash(window.location.hash).error ?? null);

  const redeem = async (value: string) => {
    setBusy(true);
    setError(null);
    try {
      await redeemLoginToken(value);
      onLoggedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    // On opening, and when a new login URL is opened in the same tab (only the hash changes then).
    const takeTokenFromUrl = () => {
      const t = paramsFromHash(window.location.hash).token;
      if (t) {
        // The token is used up either way; it should not stay in the history or a bookmark.
        window.history.replaceState(null, '', `${window.location.pathname}#/login`);
        void redeem(t);
      }
    };
    takeTokenFromUrl();
    window.addEventListener('hashchange', takeTokenFromUrl);
    return () => window.removeEventListener('hashchange', takeTokenFromUrl);
  }, []);

  return (
    <section className="login" aria-label="Log in">
      <h1>Log in to Service Mesh Manager</h1>
      <p>
        Access follows your Kubernetes permissions. Run <code>smm dashboard</code> to open this page already logged in with your
        kubeconfig, or paste the login token that <code>smm login</code> prints (valid {config?.loginTokenSeconds ?? 10} seconds).
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) void redeem(token);
        }}
      >
        <label>
          Login token
          <input
            name="loginToken"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="from smm login"
            data-testid="login-token"
          />
        </label>
        <button type="submit" disabled={busy || !token.trim()}>
          Log in
        </button>
      </form>
      {config?.oidc && (
        <p>
          <a className="button" href="api/auth/oidc/login" data-testid="oidc-login">
            Log in with OIDC
          </a>
        </p>
      )}
      {busy && <Loading what="your session" />}
      {error && <ErrorState message={error} />}
    </section>
  );
}
