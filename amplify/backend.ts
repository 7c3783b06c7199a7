import { defineBackend } from '@aws-amplify/backend';
import { auth } from './auth/resource';
import { Messaging } from './custom/messaging/resource';
import { Push } from './custom/push/resource';
import { RestApi } from './custom/rest-api/resource';
import { Tables } from './custom/tables/resource';
import { data } from './data/resource';
import { currentBackendIdentifier, currentCdkContext, currentDeployment, pushSettings } from './environment';

export const backend = defineBackend({
  auth,
  data,
});

const deployment = currentDeployment();

const messaging = new Messaging(backend.createStack('messaging'), 'Messaging', deployment);

const push = new Push(backend.createStack('push'), 'Push', {
  deployment,
  backendIdentifier: currentBackendIdentifier(),
  settings: pushSettings(deployment, currentCdkContext()),
});

const restApi = new RestApi(backend.createStack('rest-api'), 'RestApi', {
  deployment,
  userPool: backend.auth.resources.userPool,
});

const tables = new Tables(backend.createStack('tables'), 'Tables', deployment);

const modelTables = backend.data.resources.cfnResources.amplifyDynamoDbTables;
for (const table of Object.values(modelTables)) {
  table.pointInTimeRecoveryEnabled = true;
}
// The inbox keeps a notification until its expiresAt (epoch seconds).
modelTables.Notification!.timeToLiveAttribute = { attributeName: 'expiresAt', enabled: true };

backend.addOutput({
  custom: {
    restApiUrl: restApi.url,
    restApiName: restApi.api.restApiName,
  },
});

/** The custom constructs, for the wiring that comes with their functions. */
export const customResources = { messaging, push, restApi, tables };
