import type { LocalCognito } from '../cognito/start';
import type { LocalLambda } from '../lambda/start';
import type { StartStep } from '../start-step';
import { type LocalRestApi, startRestApi } from './server';

/** API Gateway: the REST API's routes on the functions, behind the Cognito authorizer. */
export async function startApiGateway(
  { inventory, ports, endpoints, onStop }: StartStep,
  lambda: LocalLambda,
  cognito: LocalCognito,
): Promise<LocalRestApi> {
  const restApi = await startRestApi({
    port: ports.rest,
    routes: inventory.restApi?.routes ?? [],
    stageName: inventory.restApi?.stageName ?? 'sandbox',
    invoker: lambda.runner,
    verifyIdToken: cognito.verifyIdToken,
    cors: { origins: ['*'] },
  });
  onStop(() => restApi.stop());
  endpoints.restApiUrl = restApi.url;
  return restApi;
}
