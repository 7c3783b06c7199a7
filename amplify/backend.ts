import { defineBackend } from '@aws-amplify/backend';
import { Stack } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterRule } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { configureAppClient } from './auth/app-client';
import { auth } from './auth/resource';
import { addSignInFirewall } from './auth/sign-in-firewall';
import { bindQueue } from './custom/messaging/queue-binding';
import { Messaging } from './custom/messaging/resource';
import { Push } from './custom/push/resource';
import { RestApi } from './custom/rest-api/resource';
import { Tables } from './custom/tables/resource';
import { limitQueryCost } from './data/query-limits';
import { data } from './data/resource';
import { bindStream } from './data/stream-binding';
import {
  currentBackendIdentifier,
  currentCdkContext,
  currentDeployment,
  pushSettings,
  resourceName,
  ssmParameterName,
} from './environment';
import { alertLowestPrice } from './functions/alert-lowest-price/resource';
import { alertPresale } from './functions/alert-presale/resource';
import { alertRealTransaction } from './functions/alert-real-transaction/resource';
import { alertSubscription } from './functions/alert-subscription/resource';
import { authCreateChallenge } from './functions/auth-create-challenge/resource';
import { authDefineChallenge } from './functions/auth-define-challenge/resource';
import { authPreSignUp } from './functions/auth-pre-sign-up/resource';
import { authVerifyChallenge } from './functions/auth-verify-challenge/resource';
import { badgeSync } from './functions/badge-sync/resource';
import { brokerMatching } from './functions/broker-matching/resource';
import { chatReminder } from './functions/chat-reminder/resource';
import { conversationCreated } from './functions/conversation-created/resource';
import { conversationLink } from './functions/conversation-link/resource';
import { dataSync } from './functions/data-sync/resource';
import { deviceCleanup } from './functions/device-cleanup/resource';
import { deviceRegister } from './functions/device-register/resource';
import { legacyEventRelay } from './functions/legacy-event-relay/resource';
import { messageLegacySync } from './functions/message-legacy-sync/resource';
import { messagePush } from './functions/message-push/resource';
import { messageReadReceipt } from './functions/message-read-receipt/resource';
import { messageUnreadCounter } from './functions/message-unread-counter/resource';
import { noticeBroadcast } from './functions/notice-broadcast/resource';
import { notificationFanout } from './functions/notification-fanout/resource';
import { pushSender } from './functions/push-sender/resource';
import { realTransactionUpdate } from './functions/real-transaction-update/resource';
import { restAppApi } from './functions/rest-app-api/resource';
import { restLegacyWebhook } from './functions/rest-legacy-webhook/resource';
import { SSM_PATHS } from './functions/shared/ssm-paths';
import { userDeleteCascade } from './functions/user-delete-cascade/resource';
import { userPostConfirmation } from './functions/user-post-confirmation/resource';
import {
  allowItems,
  allowModelTableItems,
  allowPublish,
  allowReadParameter,
  allowSmsOnly,
} from './iam-grants';
import { fixImportedTableKeys } from './migration/gen1-resources';

export const backend = defineBackend({
  auth,
  data,
  authPreSignUp,
  authDefineChallenge,
  authCreateChallenge,
  authVerifyChallenge,
  userPostConfirmation,
  conversationLink,
  conversationCreated,
  messageLegacySync,
  messageUnreadCounter,
  messagePush,
  messageReadReceipt,
  legacyEventRelay,
  notificationFanout,
  noticeBroadcast,
  chatReminder,
  deviceRegister,
  deviceCleanup,
  badgeSync,
  pushSender,
  alertLowestPrice,
  alertPresale,
  alertRealTransaction,
  alertSubscription,
  dataSync,
  brokerMatching,
  realTransactionUpdate,
  restAppApi,
  restLegacyWebhook,
  userDeleteCascade,
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

// Adopted Gen 1 tables (docs/migration.md): their resources must carry the model's real key.
fixImportedTableKeys(backend.data);

const modelTables = backend.data.resources.cfnResources.amplifyDynamoDbTables;
for (const table of Object.values(modelTables)) {
  table.pointInTimeRecoveryEnabled = true;
}
// The inbox keeps a notification until its expiresAt (epoch seconds).
modelTables.Notification!.timeToLiveAttribute = { attributeName: 'expiresAt', enabled: true };

// Sign-in: the app client, and what each auth trigger may reach.
configureAppClient(backend.auth.resources.cfnResources.cfnUserPoolClient);
const authStack = Stack.of(backend.auth.resources.userPool);

// Abuse limits: sign-in calls per source IP (WAF on the user pool), and what one GraphQL request may cost.
addSignInFirewall(authStack, {
  userPool: backend.auth.resources.userPool,
  name: resourceName(deployment, 'sign-in-firewall'),
});
limitQueryCost(backend.data.resources.cfnResources.cfnGraphqlApi);

for (const trigger of [backend.authCreateChallenge, backend.authVerifyChallenge]) {
  trigger.addEnvironment('OTP_TABLE_NAME', tables.otpChallenges.tableName);
  allowItems(trigger.resources.lambda, tables.otpChallenges.tableArn, ['GetItem', 'PutItem', 'DeleteItem']);
}
allowSmsOnly(backend.authCreateChallenge.resources.lambda);
allowReadParameter(
  backend.authPreSignUp.resources.lambda,
  authStack,
  ssmParameterName(deployment, SSM_PATHS.blockedPhoneNumbers),
);
// Written by the data stack, read by name: the trigger must not refer to the data stack.
const userProfileTableParameterName = ssmParameterName(deployment, SSM_PATHS.userProfileTable);
new StringParameter(backend.data.stack, 'UserProfileTableNameParameter', {
  parameterName: userProfileTableParameterName,
  stringValue: backend.data.resources.tables.UserProfile!.tableName,
});
const postConfirmation = backend.userPostConfirmation;
allowReadParameter(postConfirmation.resources.lambda, authStack, userProfileTableParameterName);
allowModelTableItems(postConfirmation.resources.lambda, authStack, 'UserProfile', ['PutItem']);
postConfirmation.addEnvironment('USER_EVENTS_TOPIC_ARN', messaging.userEventsTopic.topicArn);
allowPublish(postConfirmation.resources.lambda, messaging.userEventsTopic, messaging.topicKey);

// Chat: conversation-link keeps each user's send rate in the idempotency table.
backend.conversationLink.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(backend.conversationLink.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);

// Event flows (DESIGN §4): model table streams → functions.
const modelTableOf = (model: string) => backend.data.resources.tables[model]!;
// conversation-created: the Conversation stream's reader for facts (broker-matching is the other):
// events on chat-events, the CRM command on legacy-relay; it never calls the Legacy API.
const conversationFacts = backend.conversationCreated;
bindStream('ConversationCreatedStream', conversationFacts.resources.lambda, modelTableOf('Conversation'), {
  eventNames: ['INSERT', 'MODIFY'],
  onFailure: messaging.streamFailuresQueue,
});
conversationFacts.addEnvironment('CHAT_EVENTS_TOPIC_ARN', messaging.chatEventsTopic.topicArn);
conversationFacts.addEnvironment('LEGACY_RELAY_QUEUE_URL', messaging.legacyRelayQueue.queueUrl);
allowPublish(conversationFacts.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);
messaging.legacyRelayQueue.grantSendMessages(conversationFacts.resources.lambda);

// One of the Message stream's two readers (AWS advises at most two per shard); its message.sent
// also feeds message-push, below.
bindStream('MessageLegacySyncStream', backend.messageLegacySync.resources.lambda, modelTableOf('Message'), {
  eventNames: ['INSERT', 'MODIFY'],
  onFailure: messaging.streamFailuresQueue,
});
backend.messageLegacySync.addEnvironment('CHAT_EVENTS_TOPIC_ARN', messaging.chatEventsTopic.topicArn);
allowPublish(backend.messageLegacySync.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);

// Unread counts: the exactly-once marker and the increments in one DynamoDB transaction; what
// subscribers must see is then written through AppSync (allow.resource in the schema).
const unreadCounter = backend.messageUnreadCounter;
bindStream('MessageUnreadCounterStream', unreadCounter.resources.lambda, modelTableOf('Message'), {
  eventNames: ['INSERT'],
  onFailure: messaging.streamFailuresQueue,
});
unreadCounter.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
unreadCounter.addEnvironment('CONVERSATION_MEMBER_TABLE_NAME', modelTableOf('ConversationMember').tableName);
allowItems(unreadCounter.resources.lambda, tables.idempotency.tableArn, ['PutItem']);
allowItems(unreadCounter.resources.lambda, modelTableOf('ConversationMember').tableArn, ['UpdateItem']);

// Pushes for a new message: one request per recipient on the push queue (push-sender sends them).
// Fed by chat-events' message.sent (message-legacy-sync publishes it), not the Message stream: AWS
// advises at most two readers per stream shard, and the unread counter and legacy sync are those two.
const pushPlanner = backend.messagePush;
bindQueue(pushPlanner, messaging.messageSentQueue);
pushPlanner.addEnvironment('PUSH_QUEUE_URL', messaging.pushQueue.queueUrl);
// The message itself, read by key and strongly consistent: the event is published right after its write.
pushPlanner.addEnvironment('MESSAGE_TABLE_NAME', modelTableOf('Message').tableName);
allowItems(pushPlanner.resources.lambda, modelTableOf('Message').tableArn, ['GetItem']);
pushPlanner.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
messaging.pushQueue.grantSendMessages(pushPlanner.resources.lambda);
// Whether the unread counter has counted the message yet, for the badge.
allowItems(pushPlanner.resources.lambda, tables.idempotency.tableArn, ['GetItem']);

// Read receipts: only member rows that carry a lastReadAt can be a read.
const readReceipt = backend.messageReadReceipt;
bindStream('MessageReadReceiptStream', readReceipt.resources.lambda, modelTableOf('ConversationMember'), {
  eventNames: ['MODIFY'],
  onFailure: messaging.streamFailuresQueue,
  dynamodb: { NewImage: { lastReadAt: { S: FilterRule.exists() } } },
});
readReceipt.addEnvironment('CHAT_EVENTS_TOPIC_ARN', messaging.chatEventsTopic.topicArn);
readReceipt.addEnvironment('PUSH_QUEUE_URL', messaging.pushQueue.queueUrl);
readReceipt.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
// Which messages the unread counter has counted (its markers), for the exact recount.
allowItems(readReceipt.resources.lambda, tables.idempotency.tableArn, ['BatchGetItem', 'GetItem']);
allowPublish(readReceipt.resources.lambda, messaging.chatEventsTopic, messaging.topicKey);
messaging.pushQueue.grantSendMessages(readReceipt.resources.lambda);

// Notifications: push or inbox only, by the user's consents and the night rule (docs/notifications.md).
const fanout = backend.notificationFanout;
bindStream('NotificationFanoutStream', fanout.resources.lambda, modelTableOf('Notification'), {
  eventNames: ['INSERT'],
  onFailure: messaging.streamFailuresQueue,
});
fanout.addEnvironment('PUSH_QUEUE_URL', messaging.pushQueue.queueUrl);
messaging.pushQueue.grantSendMessages(fanout.resources.lambda);

// Notices: SQS notice → one NOTICE per targeted user, resumable (notice-broadcast/broadcast.ts).
const broadcaster = backend.noticeBroadcast;
// One notice per invocation, so each gets the whole timeout (it continues through a new message).
bindQueue(broadcaster, messaging.noticeQueue, { batchSize: 1, maxConcurrency: 2 });
broadcaster.addEnvironment('USER_PROFILE_TABLE_NAME', modelTableOf('UserProfile').tableName);
broadcaster.addEnvironment('NOTICE_QUEUE_URL', messaging.noticeQueue.queueUrl);
broadcaster.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(broadcaster.resources.lambda, modelTableOf('UserProfile').tableArn, ['Scan']);
allowItems(broadcaster.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'UpdateItem']);
messaging.noticeQueue.grantSendMessages(broadcaster.resources.lambda);

// Chat reminders: the schedule (19:00–20:45 KST) is in its resource.ts.
const reminder = backend.chatReminder;
reminder.addEnvironment('CONVERSATION_MEMBER_TABLE_NAME', modelTableOf('ConversationMember').tableName);
reminder.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(reminder.resources.lambda, modelTableOf('ConversationMember').tableArn, ['Scan']);
allowItems(reminder.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);

// Devices: the daily cleanup scans the Device table and deletes rows directly (no subscriber needs
// to see it), keeping its resume cursor in the idempotency table.
const cleanup = backend.deviceCleanup;
cleanup.addEnvironment('DEVICE_TABLE_NAME', modelTableOf('Device').tableName);
cleanup.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(cleanup.resources.lambda, modelTableOf('Device').tableArn, ['Scan', 'DeleteItem']);
allowItems(cleanup.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem', 'DeleteItem']);

// Badge: after markNotificationsRead, a silent push updates the badge on the user's devices.
backend.badgeSync.addEnvironment('PUSH_QUEUE_URL', messaging.pushQueue.queueUrl);
messaging.pushQueue.grantSendMessages(backend.badgeSync.resources.lambda);

// Push: the push queue → push-sender → End User Messaging (docs/push.md, "push-sender").
const sender = backend.pushSender;
bindQueue(sender, messaging.pushQueue);
sender.addEnvironment('PUSH_APPLICATION_ID', push.applicationId);
sender.addEnvironment('DEVICE_TABLE_NAME', modelTableOf('Device').tableName);
sender.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
push.grantSendMessages(sender.resources.lambda);
// The user's devices (index, then a consistent re-read), dead tokens deleted, updated tokens moved.
allowItems(sender.resources.lambda, `${modelTableOf('Device').tableArn}/index/devicesByUserId`, ['Query']);
allowItems(sender.resources.lambda, modelTableOf('Device').tableArn, [
  'BatchGetItem',
  'PutItem',
  'DeleteItem',
]);
// Delivery claims and records per (pushId, device).
allowItems(sender.resources.lambda, tables.idempotency.tableArn, ['PutItem', 'GetItem', 'DeleteItem']);

// Scheduled alerts: each kind's watermark and resume position live in the idempotency table.
for (const alert of [backend.alertLowestPrice, backend.alertPresale, backend.alertRealTransaction]) {
  alert.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
  allowItems(alert.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
}

// Reference data: complexes, listings and brokers from the Legacy API, written directly (nothing
// subscribes to them); per-feed cursors in the idempotency table (docs/reference-data.md).
const sync = backend.dataSync;
for (const [variable, model] of [
  ['COMPLEX_TABLE_NAME', 'Complex'],
  ['LISTING_TABLE_NAME', 'Listing'],
  ['BROKER_PROFILE_TABLE_NAME', 'BrokerProfile'],
] as const) {
  sync.addEnvironment(variable, modelTableOf(model).tableName);
  allowItems(sync.resources.lambda, modelTableOf(model).tableArn, ['UpdateItem', 'BatchWriteItem']);
}
sync.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(sync.resources.lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);

// Broker matching: a listing inquiry created without a broker, and every broker that becomes
// available (data-sync writes BrokerProfile rows) retries the inquiries still waiting.
const matching = backend.brokerMatching;
bindStream('BrokerMatchingInquiryStream', matching.resources.lambda, modelTableOf('Conversation'), {
  eventNames: ['INSERT'],
  onFailure: messaging.streamFailuresQueue,
  dynamodb: {
    NewImage: {
      kind: { S: FilterRule.isEqual('LISTING_INQUIRY') },
      status: { S: FilterRule.isEqual('WAITING_FOR_BROKER') },
    },
  },
});
bindStream('BrokerMatchingBrokerStream', matching.resources.lambda, modelTableOf('BrokerProfile'), {
  eventNames: ['INSERT', 'MODIFY'],
  onFailure: messaging.streamFailuresQueue,
  // One broker can match up to 20 waiting inquiries: small batches keep a record's work bounded.
  batchSize: 10,
  dynamodb: { NewImage: { active: { BOOL: [true] }, userId: { S: FilterRule.exists() } } },
});
matching.addEnvironment('CONVERSATION_TABLE_NAME', modelTableOf('Conversation').tableName);
matching.addEnvironment('BROKER_PROFILE_TABLE_NAME', modelTableOf('BrokerProfile').tableName);
// Candidates (a scan of the small broker table) and their live load (a COUNT per broker).
allowItems(matching.resources.lambda, modelTableOf('BrokerProfile').tableArn, ['Scan', 'UpdateItem']);
for (const index of ['conversationsByBrokerId', 'conversationsByStatus']) {
  allowItems(matching.resources.lambda, `${modelTableOf('Conversation').tableArn}/index/${index}`, ['Query']);
}

// The crawler: data.go.kr 실거래 → Legacy save() (queued); complexes name each trade, fingerprints dedupe runs.
const crawler = backend.realTransactionUpdate;
crawler.addEnvironment('COMPLEX_TABLE_NAME', modelTableOf('Complex').tableName);
crawler.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
allowItems(crawler.resources.lambda, `${modelTableOf('Complex').tableArn}/index/complexesByLawdCode`, [
  'Query',
]);
allowItems(crawler.resources.lambda, tables.idempotency.tableArn, ['BatchGetItem', 'BatchWriteItem']);
// Its saves are commands on legacy-relay (docs/events.md): the relay calls the Legacy API.
crawler.addEnvironment('LEGACY_RELAY_QUEUE_URL', messaging.legacyRelayQueue.queueUrl);
messaging.legacyRelayQueue.grantSendMessages(crawler.resources.lambda);

// REST (docs/rest-api.md, docs/openapi.yaml). Each route's invoke permission lives with the route
// (LambdaIntegration scopes it to the method), so the rest-api stack refers to the functions only.
const appApi = new LambdaIntegration(backend.restAppApi.resources.lambda);
restApi.addUnauthenticatedMethod(
  restApi.addPublicV1Resource('health'),
  'GET',
  appApi,
  'A health check: load balancers and monitors call it without a token; it answers status only.',
);
restApi.v1.addResource('me').addResource('badge').addMethod('GET', appApi);
backend.restAppApi.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
// The health check's DynamoDB probe: one read of a fixed key.
allowItems(backend.restAppApi.resources.lambda, tables.idempotency.tableArn, ['GetItem']);

const webhook = backend.restLegacyWebhook;
restApi.addUnauthenticatedMethod(
  restApi.webhooks.addResource('legacy'),
  'POST',
  new LambdaIntegration(webhook.resources.lambda),
  'The legacy backend has no user pool token: the function verifies its service JWT (webhook-token.ts).',
);
webhook.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
webhook.addEnvironment('NOTICE_QUEUE_URL', messaging.noticeQueue.queueUrl);
// Each event id once: a claim, its release, and the DONE mark.
allowItems(webhook.resources.lambda, tables.idempotency.tableArn, [
  'PutItem',
  'GetItem',
  'UpdateItem',
  'DeleteItem',
]);
messaging.noticeQueue.grantSendMessages(webhook.resources.lambda);

// Account deletion (docs/accounts.md): deleteAccount blocks sign-in and removes the profile; its
// REMOVE record runs the cascade, one account per invocation, resumable from the job record.
const cascade = backend.userDeleteCascade;
bindStream('UserDeleteCascadeStream', cascade.resources.lambda, modelTableOf('UserProfile'), {
  eventNames: ['REMOVE'],
  onFailure: messaging.streamFailuresQueue,
  batchSize: 1,
});
const userTables = {
  USER_PROFILE_TABLE_NAME: 'UserProfile',
  DEVICE_TABLE_NAME: 'Device',
  ALERT_SUBSCRIPTION_TABLE_NAME: 'AlertSubscription',
  NOTIFICATION_TABLE_NAME: 'Notification',
  BROKER_PROFILE_TABLE_NAME: 'BrokerProfile',
  CONVERSATION_MEMBER_TABLE_NAME: 'ConversationMember',
  MESSAGE_TABLE_NAME: 'Message',
} as const;
for (const [variable, model] of Object.entries(userTables)) {
  cascade.addEnvironment(variable, modelTableOf(model).tableName);
}
cascade.addEnvironment('IDEMPOTENCY_TABLE_NAME', tables.idempotency.tableName);
cascade.addEnvironment('USER_POOL_ID', backend.auth.resources.userPool.userPoolId);
cascade.addEnvironment('USER_EVENTS_TOPIC_ARN', messaging.userEventsTopic.topicArn);
const cascadeLambda = cascade.resources.lambda;
allowItems(cascadeLambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
allowItems(cascadeLambda, modelTableOf('UserProfile').tableArn, ['DeleteItem']);
allowItems(cascadeLambda, `${modelTableOf('Device').tableArn}/index/devicesByUserId`, ['Query']);
allowItems(cascadeLambda, modelTableOf('Device').tableArn, ['DeleteItem']);
for (const [model, index] of [
  ['AlertSubscription', 'alertSubscriptionsByUserId'],
  ['Notification', 'notificationsByUserIdAndCreatedAt'],
] as const) {
  allowItems(cascadeLambda, `${modelTableOf(model).tableArn}/index/${index}`, ['Query']);
  allowItems(cascadeLambda, modelTableOf(model).tableArn, ['BatchWriteItem']);
}
allowItems(cascadeLambda, modelTableOf('BrokerProfile').tableArn, ['Scan', 'UpdateItem']);
allowItems(
  cascadeLambda,
  `${modelTableOf('ConversationMember').tableArn}/index/conversationMembersByUserIdAndLastMessageAt`,
  ['Query'],
);
allowItems(cascadeLambda, `${modelTableOf('Message').tableArn}/index/messagesByConversationIdAndCreatedAt`, [
  'Query',
]);
allowPublish(cascadeLambda, messaging.userEventsTopic, messaging.topicKey);
cascadeLambda.addToRolePolicy(
  new PolicyStatement({
    actions: [
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:ListUsers',
    ],
    resources: [backend.auth.resources.userPool.userPoolArn],
  }),
);

// The relay: events and commands from legacy-relay to the Legacy API; what can never succeed as
// it is goes to legacy-relay-dlq with why (shared/batch.ts).
const relay = backend.legacyEventRelay;
bindQueue(relay, messaging.legacyRelayQueue);

backend.addOutput({
  custom: {
    restApiUrl: restApi.url,
    restApiName: restApi.api.restApiName,
  },
});

/** The custom constructs, for the wiring that comes with their functions. */
export const customResources = { messaging, push, restApi, tables };
