import { readFileSync } from 'node:fs';
import { defineFunction, secret } from '@aws-amplify/backend';
import { currentDeployment } from '../../environment';
import { baseFunctionEnvironment } from '../../function-environment';
import { ENV } from '../shared/env-names';
import { APP_API_ENV } from './env-names';

/** What GET /v1/health reports as `version`: package.json's, read at synth time. */
const backendVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** GET /v1/health and GET /v1/me/badge: REST for clients that can't use GraphQL. */
export const restAppApi = defineFunction({
  name: 'rest-app-api',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 256,
  runtime: 22,
  // Queries the API it is granted (allow.resource): in the data stack, or the stacks would refer to each other.
  resourceGroupName: 'data',
  environment: {
    ...baseFunctionEnvironment(),
    [APP_API_ENV.BACKEND_VERSION]: backendVersion,
    // Browsers get the answers only with Access-Control-Allow-Origin, which the function must add.
    [APP_API_ENV.WEB_ORIGINS]: currentDeployment().webOrigins.join(','),
    // The Legacy health check goes through the shared client, which always signs.
    [ENV.SERVICE_TOKEN_KEY]: secret('SERVICE_TOKEN_KEY'),
    [ENV.SERVICE_TOKEN_KID]: secret('SERVICE_TOKEN_KID'),
  },
});
