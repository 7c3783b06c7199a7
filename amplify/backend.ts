import { defineBackend } from '@aws-amplify/backend';
import { Stack } from 'aws-cdk-lib';
import { configureAppClient } from './auth/app-client';
import { auth } from './auth/resource';
import { addSignInFirewall } from './auth/sign-in-firewall';
import { Messaging } from './custom/messaging/resource';
import { Push } from './custom/push/resource';
import { RestApi } from './custom/rest-api/resource';
import { Tables } from './custom/tables/resource';
import { limitQueryCost } from './data/query-limits';
import { data } from './data/resource';
import {
  currentBackendIdentifier,
  currentCdkContext,
  currentDeployment,
  pushSettings,
  resourceName,
} from './environment';
import { functions } from './function-resources';
import { wireAlertLowestPrice } from './functions/alert-lowest-price/wiring';
import { wireAlertPresale } from './functions/alert-presale/wiring';
import { wireAlertRealTransaction } from './functions/alert-real-transaction/wiring';
import { wireAuthCreateChallenge } from './functions/auth-create-challenge/wiring';
import { wireAuthPreSignUp } from './functions/auth-pre-sign-up/wiring';
import { wireAuthVerifyChallenge } from './functions/auth-verify-challenge/wiring';
import { wireBadgeSync } from './functions/badge-sync/wiring';
import { wireBrokerMatching } from './functions/broker-matching/wiring';
import { wireChatReminder } from './functions/chat-reminder/wiring';
import { wireConversationCreated } from './functions/conversation-created/wiring';
import { wireConversationLink } from './functions/conversation-link/wiring';
import { wireDataSync } from './functions/data-sync/wiring';
import { wireDeviceCleanup } from './functions/device-cleanup/wiring';
import { wireLegacyEventRelay } from './functions/legacy-event-relay/wiring';
import { wireMessageLegacySync } from './functions/message-legacy-sync/wiring';
import { wireMessagePush } from './functions/message-push/wiring';
import { wireMessageReadReceipt } from './functions/message-read-receipt/wiring';
import { wireMessageUnreadCounter } from './functions/message-unread-counter/wiring';
import { wireNoticeBroadcast } from './functions/notice-broadcast/wiring';
import { wireNotificationFanout } from './functions/notification-fanout/wiring';
import { wirePushSender } from './functions/push-sender/wiring';
import { wireRealTransactionUpdate } from './functions/real-transaction-update/wiring';
import { wireRestAppApi } from './functions/rest-app-api/wiring';
import { wireRestLegacyWebhook } from './functions/rest-legacy-webhook/wiring';
import { wireUserDeleteCascade } from './functions/user-delete-cascade/wiring';
import { wireUserPostConfirmation } from './functions/user-post-confirmation/wiring';
import { fixImportedTableKeys } from './migration/imported-table-keys';

export const backend = defineBackend({ auth, data, ...functions });

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

// Adopted Gen 1 tables (docs/migration.md): their resources must carry the model's real key.
fixImportedTableKeys(backend.data);

const modelTables = backend.data.resources.cfnResources.amplifyDynamoDbTables;
for (const table of Object.values(modelTables)) {
  table.pointInTimeRecoveryEnabled = true;
}
// The inbox keeps a notification until its expiresAt (epoch seconds).
modelTables.Notification!.timeToLiveAttribute = { attributeName: 'expiresAt', enabled: true };

// Sign-in: the app client.
configureAppClient(backend.auth.resources.cfnResources.cfnUserPoolClient);

// Abuse limits: sign-in calls per source IP (WAF on the user pool), and what one GraphQL request may cost.
addSignInFirewall(Stack.of(backend.auth.resources.userPool), {
  userPool: backend.auth.resources.userPool,
  name: resourceName(deployment, 'sign-in-firewall'),
});
limitQueryCost(backend.data.resources.cfnResources.cfnGraphqlApi);

// Each function's environment, grants and event sources (functions/<name>/wiring.ts). The order
// is the order of their policy statements in the templates: keep it when adding one.
const models = backend.data.resources.tables;
const authStack = Stack.of(backend.auth.resources.userPool);
wireAuthCreateChallenge(backend.authCreateChallenge, { tables });
wireAuthVerifyChallenge(backend.authVerifyChallenge, { tables });
wireAuthPreSignUp(backend.authPreSignUp, { authStack, deployment });
wireUserPostConfirmation(backend.userPostConfirmation, {
  authStack,
  dataStack: backend.data.stack,
  deployment,
  models,
  messaging,
});
wireConversationLink(backend.conversationLink, { tables });
wireConversationCreated(backend.conversationCreated, { messaging, models });
wireMessageLegacySync(backend.messageLegacySync, { messaging, models });
wireMessageUnreadCounter(backend.messageUnreadCounter, { messaging, tables, models });
wireMessagePush(backend.messagePush, { messaging, tables, models });
wireMessageReadReceipt(backend.messageReadReceipt, { messaging, tables, models });
wireNotificationFanout(backend.notificationFanout, { messaging, models });
wireNoticeBroadcast(backend.noticeBroadcast, { messaging, tables, models });
wireChatReminder(backend.chatReminder, { tables, models });
wireDeviceCleanup(backend.deviceCleanup, { tables, models });
wireBadgeSync(backend.badgeSync, { messaging });
wirePushSender(backend.pushSender, { messaging, push, tables, models });
wireAlertLowestPrice(backend.alertLowestPrice, { tables });
wireAlertPresale(backend.alertPresale, { tables });
wireAlertRealTransaction(backend.alertRealTransaction, { tables });
wireDataSync(backend.dataSync, { tables, models });
wireBrokerMatching(backend.brokerMatching, { messaging, models });
wireRealTransactionUpdate(backend.realTransactionUpdate, { messaging, tables, models });
wireRestAppApi(backend.restAppApi, { restApi, tables });
wireRestLegacyWebhook(backend.restLegacyWebhook, { restApi, messaging, tables });
wireUserDeleteCascade(backend.userDeleteCascade, {
  messaging,
  tables,
  models,
  userPool: backend.auth.resources.userPool,
});
wireLegacyEventRelay(backend.legacyEventRelay, { messaging });

backend.addOutput({
  custom: {
    restApiUrl: restApi.url,
    restApiName: restApi.api.restApiName,
  },
});

/** The custom constructs, for the wiring that comes with their functions. */
export const customResources = { messaging, push, restApi, tables };
