// Minimal GraphQL-over-HTTP client: the backend answers at /api/graphql (same origin).

import { authorizationHeader, sessionEnded } from '../auth';

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
}

export class GraphQLRequestError extends Error {
  constructor(message: string, readonly errors: GraphQLError[] = []) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** POSTs a query and reads the GraphQL response body; network and non-GraphQL answers become one readable error. */
async function post<T>(
  query: string,
  variables: Record<string, unknown>,
  fetchImpl: Fetch,
): Promise<{ response: Response; body: { data?: T | null; errors?: GraphQLError[] } }> {
  let response: Response;
  try {
    response = await fetchImpl('api/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...authorizationHeader() },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new GraphQLRequestError(`The SMM backend cannot be reached (${(e as Error).message}).`);
  }
  if (response.status === 401) {
    sessionEnded();
    throw new GraphQLRequestError('Your session ended (expired, logged out or the key was rotated): log in again.');
  }
  try {
    return { response, body: await response.json() };
  } catch {
    throw new GraphQLRequestError(`The SMM backend answered HTTP ${response.status} without a GraphQL response.`);
  }
}

export async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  fetchImpl: Fetch = (input, init) => fetch(input, init),
): Promise<T> {
  const { response, body } = await post<T>(query, variables, fetchImpl);
  if (body.errors && body.errors.length > 0) {
    // Partial data is not shown: a page that silently drops a failing part would hide the truth.
    throw new GraphQLRequestError(body.errors.map((e) => e.message).join('; '), body.errors);
  }
  if (!response.ok || body.data === undefined || body.data === null) {
    throw new GraphQLRequestError(`The SMM backend answered HTTP ${response.status}.`);
  }
  return body.data;
}

export interface PartialResult<T> {
  data: T;
  /** What the backend could not answer (e.g. Prometheus down); the page shows it in a banner. */
  errors: GraphQLError[];
}

/**
 * For queries the backend answers partially on purpose (topology, health): data and errors are
 * both returned, so the page can show what it has and say what is missing.
 */
export async function graphqlPartial<T>(
  query: string,
  variables: Record<string, unknown> = {},
  fetchImpl: Fetch = (input, init) => fetch(input, init),
): Promise<PartialResult<T>> {
  const { response, body } = await post<T>(query, variables, fetchImpl);
  if (body.data === undefined || body.data === null) {
    const message = body.errors?.map((e) => e.message).join('; ') || `The SMM backend answered HTTP ${response.status}.`;
    throw new GraphQLRequestError(message, body.errors ?? []);
  }
  return { data: body.data, errors: body.errors ?? [] };
}
