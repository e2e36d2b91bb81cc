import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as documents from './documents';

// The backend's schema, as it serves it: every area's file (backend/src/main/resources/graphql).
const files = import.meta.glob<string>('../../../backend/src/main/resources/graphql/*.graphqls', { query: '?raw', import: 'default', eager: true });
const schema = buildSchema(Object.keys(files).sort().map((f) => files[f]).join('\n'));

const problems = (document: string) => validate(schema, parse(document)).map((e) => e.message);

describe('the dashboard\'s GraphQL documents', () => {
  const constants = Object.entries(documents as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');

  it('are all here, one per operation, against all seven schema files', () => {
    expect(constants.length).toBeGreaterThan(30);
    expect(Object.keys(files)).toHaveLength(7);
  });

  it.each(constants)('%s is valid against the backend schema', (_name, document) => {
    expect(problems(document)).toEqual([]);
  });

  it('the gateway traffic query built for two gateways is valid too', () => {
    expect(problems(documents.gatewayTraffic([{ namespace: 'istio-system', name: 'a' }, { namespace: 'x', name: 'b"c' }]))).toEqual([]);
  });

  it('a field the schema does not have is refused (the check can fail)', () => {
    expect(problems('query { namespaces { name colour } }')).toEqual(['Cannot query field "colour" on type "Namespace".']);
  });
});
