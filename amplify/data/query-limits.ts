import type { CfnGraphQLApi } from 'aws-cdk-lib/aws-appsync';

/**
 * What one GraphQL request may cost (issue 18: 100 aliased `badge` calls took 9.6 s, a depth-8
 * query 8.7 s). AppSync refuses a request past either limit; the local API
 * (local/appsync/query-limits.ts) reads them from the synthesized API and refuses the same.
 */
export const GRAPHQL_QUERY_LIMITS = {
  // The apps' deepest selection is 4 (a list, its items, a custom type, its fields); a relation
  // read one hop further (member → conversation → members → items → field) is 6.
  queryDepthLimit: 6,
  // badge-sync reads 50 notifications in one aliased query; nothing else comes close.
  resolverCountLimit: 60,
} as const;

export function limitQueryCost(api: CfnGraphQLApi): void {
  api.queryDepthLimit = GRAPHQL_QUERY_LIMITS.queryDepthLimit;
  api.resolverCountLimit = GRAPHQL_QUERY_LIMITS.resolverCountLimit;
}
