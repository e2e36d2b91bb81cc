// The dashboard's API layer: every backend call goes through here.
export { GraphQLRequestError, graphql, graphqlPartial, type PartialResult } from './client';
export { api } from './operations';
export { startTap } from './tap';
export * from './types';
export { useApi, type Load } from './useApi';
