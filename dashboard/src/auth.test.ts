import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentSession, redeemLoginToken } from './auth';
import { graphql } from './api';

// A window with just what auth.ts uses: localStorage and location.hash.
function stubWindow() {
  const store = new Map<string, string>();
  const w = {
    localStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    },
    location: { hash: '#/topology' },
  };
  (globalThis as unknown as { window: unknown }).window = w;
  return { w, store };
}

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

describe('session', () => {
  let env: ReturnType<typeof stubWindow>;
  beforeEach(() => {
    env = stubWindow();
  });
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it('keeps a redeemed session and sends it as a bearer token', async () => {
    const session = await redeemLoginToken(' abc ', (url, init) => {
      expect(url).toBe('api/auth/session');
      expect(JSON.parse(String(init?.body))).toEqual({ loginToken: 'abc' });
      return json(200, { sessionToken: 'jwt-1', expiresAt: '2999-01-01T00:00:00Z', username: 'alice' });
    });
    expect(session.username).toBe('alice');
    let sent: HeadersInit | undefined;
    await graphql('{ me { username } }', {}, (_u, init) => {
      sent = init?.headers;
      return json(200, { data: { me: { username: 'alice' } } });
    });
    expect((sent as Record<string, string>).Authorization).toBe('Bearer jwt-1');
  });

  it('shows why a login token was refused', async () => {
    await expect(
      redeemLoginToken('used', () => json(401, { errors: [{ message: 'unknown or already used login token' }] })),
    ).rejects.toThrow('already used');
    expect(currentSession()).toBeNull();
  });

  it('forgets an expired session', () => {
    env.store.set('smm.session', JSON.stringify({ token: 't', expiresAt: '2020-01-01T00:00:00Z', username: 'a' }));
    expect(currentSession()).toBeNull();
    expect(env.store.has('smm.session')).toBe(false);
  });

  it('goes to the login page when the backend refuses the session', async () => {
    env.store.set('smm.session', JSON.stringify({ token: 't', expiresAt: '2999-01-01T00:00:00Z', username: 'a' }));
    await expect(graphql('{ me { username } }', {}, () => json(401, { errors: [{ message: 'revoked' }] }))).rejects.toThrow(
      'log in again',
    );
    expect(env.store.has('smm.session')).toBe(false);
    expect(env.w.location.hash).toBe('#/login');
  });
});
