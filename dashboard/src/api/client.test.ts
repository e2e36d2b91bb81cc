import { describe, expect, it } from 'vitest';
import { graphql, graphqlPartial, GraphQLRequestError } from './client';
import { pageFromHash } from '../navigation';

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

describe('graphqlPartial', () => {
  it('returns partial data together with the errors', async () => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ data: { topology: { nodes: [] } }, errors: [{ message: 'partial topology: latency: Prometheus down' }] }));
    const { data, errors } = await graphqlPartial<{ topology: { nodes: [] } }>('{ topology { nodes { id } } }', {}, fetchImpl);
    expect(data.topology.nodes).toEqual([]);
    expect(errors[0].message).toContain('Prometheus down');
  });

  it('fails when there is no data at all', async () => {
    const fetchImpl = async () => new Response(JSON.stringify({ data: null, errors: [{ message: 'time must be an RFC 3339 instant' }] }));
    await expect(graphqlPartial('{ topology { errors } }', {}, fetchImpl)).rejects.toThrow('time must be an RFC 3339 instant');
  });
});
