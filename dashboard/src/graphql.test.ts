import { describe, expect, it } from 'vitest';
import { graphql, GraphQLRequestError } from './graphql';
import { pageFromHash } from './navigation';

const respond = (status: number, body: unknown) => async () =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

describe('graphql client', () => {
  it('returns data', async () => {
    const data = await graphql<{ version: { version: string } }>('{version{version}}', {}, respond(200, { data: { version: { version: '1.2' } } }));
    expect(data.version.version).toBe('1.2');
  });

  it('turns GraphQL errors into one readable error, even with partial data', async () => {
    const call = graphql('{clusters{name}}', {}, respond(200, { data: { clusters: null }, errors: [{ message: 'Kubernetes API unreachable' }] }));
    await expect(call).rejects.toThrow('Kubernetes API unreachable');
  });

  it('reports a backend that does not answer GraphQL', async () => {
    await expect(graphql('{x}', {}, respond(502, '<html>bad gateway</html>'))).rejects.toThrow('HTTP 502');
  });

  it('reports an unreachable backend', async () => {
    const failing = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(graphql('{x}', {}, failing)).rejects.toBeInstanceOf(GraphQLRequestError);
  });
});

describe('navigation', () => {
  it('maps hashes to pages and falls back to overview', () => {
    expect(pageFromHash('#/topology')).toBe('topology');
    expect(pageFromHash('#/tap?ns=smm-demo')).toBe('tap');
    expect(pageFromHash('')).toBe('overview');
    expect(pageFromHash('#/nope')).toBe('overview');
  });
});
