// The dashboard's session: a token from the backend (after `smm dashboard`, a pasted `smm login`
// token, or an OIDC login), sent in the Authorization header only. No cookies, so no other site
// can make the browser send it.

export interface Session {
  token: string;
  expiresAt: string;
  username: string;
}

export interface AuthConfig {
  mode: 'impersonation' | 'anonymous';
  oidc: boolean;
  loginTokenSeconds: number;
}

const KEY = 'smm.session';

export function currentSession(now: Date = new Date()): Session | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (!s.token || new Date(s.expiresAt) <= now) {
      window.localStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function authorizationHeader(): Record<string, string> {
  const s = currentSession();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}

/** The backend refused the session (expired, logged out, key rotated): forget it and ask for a login. */
export function sessionEnded(): void {
  window.localStorage.removeItem(KEY);
  if (!window.location.hash.startsWith('#/login')) {
    window.location.hash = '#/login';
  }
}

export async function authConfig(fetchImpl: typeof fetch = fetch): Promise<AuthConfig> {
  const r = await fetchImpl('api/auth/config');
  if (!r.ok) throw new Error(`The SMM backend answered HTTP ${r.status}.`);
  return (await r.json()) as AuthConfig;
}

/** Trades a one-time login token (10 s) for a session and keeps it. */
export async function redeemLoginToken(loginToken: string, fetchImpl: typeof fetch = fetch): Promise<Session> {
  let r: Response;
  try {
    r = await fetchImpl('api/auth/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ loginToken: loginToken.trim() }),
    });
  } catch (e) {
    throw new Error(`The SMM backend cannot be reached (${(e as Error).message}).`);
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    throw new Error(body?.errors?.[0]?.message ?? `The SMM backend answered HTTP ${r.status}.`);
  }
  const session: Session = { token: body.sessionToken, expiresAt: body.expiresAt, username: body.username };
  window.localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Ends the session on the backend too, so a copied token stops working. */
export async function logout(fetchImpl: typeof fetch = fetch): Promise<void> {
  const headers = authorizationHeader();
  window.localStorage.removeItem(KEY);
  if (headers.Authorization) {
    await fetchImpl('api/auth/logout', { method: 'POST', headers }).catch(() => undefined);
  }
  window.location.hash = '#/login';
}
