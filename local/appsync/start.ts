import type { LocalCognito } from '../cognito/start';
import type { LocalLambda } from '../lambda/start';
import type { StartStep } from '../start-step';
import { type LocalAppSync, startLocalAppSync } from './local-appsync';

/** AppSync: the synthesized schema and resolvers over HTTPS, realtime over wss. */
export async function startAppSync(
  { inventory, ports, tls, endpoints, progress, onStop }: StartStep,
  lambda: LocalLambda,
  cognito: LocalCognito,
): Promise<LocalAppSync> {
  if (!inventory.appSync) throw new Error('The synthesized backend has no GraphQL API');
  const appSync = await startLocalAppSync({
    spec: inventory.appSync,
    port: ports.graphql,
    tls,
    dynamodb: { endpoint: endpoints.dynamodbUrl },
    invoker: lambda.runner,
    verifyJwt: cognito.verifyJwt,
    verifyIam: lambda.signedCallers.verify,
  });
  onStop(() => appSync.stop());
  progress('API', `GraphQL at ${endpoints.graphqlUrl}`);
  return appSync;
}
