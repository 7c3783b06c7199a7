import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Messaging } from '../../custom/messaging/resource';
import type { Tables } from '../../custom/tables/resource';
import { bindStream } from '../../data/stream-binding';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowItems, allowPublish } from '../../iam-grants';
import { ENV } from '../shared/env-names';
import { DELETION_ENV } from './env-names';

/** The tables it reads and deletes from directly, by the variable that names each. */
const USER_TABLES = [
  [ENV.USER_PROFILE_TABLE_NAME, 'UserProfile'],
  [ENV.DEVICE_TABLE_NAME, 'Device'],
  [DELETION_ENV.ALERT_SUBSCRIPTION_TABLE_NAME, 'AlertSubscription'],
  [DELETION_ENV.NOTIFICATION_TABLE_NAME, 'Notification'],
  [ENV.BROKER_PROFILE_TABLE_NAME, 'BrokerProfile'],
  [ENV.CONVERSATION_MEMBER_TABLE_NAME, 'ConversationMember'],
  [ENV.MESSAGE_TABLE_NAME, 'Message'],
] as const;

/**
 * Account deletion (docs/accounts.md): deleteAccount blocks sign-in and removes the profile; its
 * REMOVE record runs the cascade, one account per invocation, resumable from the job record.
 */
export function wireUserDeleteCascade(
  fn: BackendFunction,
  deps: { messaging: Messaging; tables: Tables; models: ModelTables; userPool: IUserPool },
): void {
  const { messaging, tables, userPool } = deps;
  const table = (model: string) => modelTable(deps.models, model);
  const lambda = fn.resources.lambda;
  bindStream('UserDeleteCascadeStream', lambda, table('UserProfile'), {
    eventNames: ['REMOVE'],
    onFailure: messaging.streamFailuresQueue,
    batchSize: 1,
  });
  for (const [variable, model] of USER_TABLES) fn.addEnvironment(variable, table(model).tableName);
  fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, tables.idempotency.tableName);
  fn.addEnvironment(ENV.USER_POOL_ID, userPool.userPoolId);
  fn.addEnvironment(ENV.USER_EVENTS_TOPIC_ARN, messaging.userEventsTopic.topicArn);
  allowItems(lambda, tables.idempotency.tableArn, ['GetItem', 'PutItem']);
  allowItems(lambda, table('UserProfile').tableArn, ['DeleteItem']);
  allowItems(lambda, `${table('Device').tableArn}/index/devicesByUserId`, ['Query']);
  allowItems(lambda, table('Device').tableArn, ['DeleteItem']);
  for (const [model, index] of [
    ['AlertSubscription', 'alertSubscriptionsByUserId'],
    ['Notification', 'notificationsByUserIdAndCreatedAt'],
  ] as const) {
    allowItems(lambda, `${table(model).tableArn}/index/${index}`, ['Query']);
    allowItems(lambda, table(model).tableArn, ['BatchWriteItem']);
  }
  allowItems(lambda, table('BrokerProfile').tableArn, ['Scan', 'UpdateItem']);
  allowItems(
    lambda,
    `${table('ConversationMember').tableArn}/index/conversationMembersByUserIdAndLastMessageAt`,
    ['Query'],
  );
  allowItems(lambda, `${table('Message').tableArn}/index/messagesByConversationIdAndCreatedAt`, ['Query']);
  allowPublish(lambda, messaging.userEventsTopic, messaging.topicKey);
  lambda.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:AdminDeleteUser',
        'cognito-idp:ListUsers',
      ],
      resources: [userPool.userPoolArn],
    }),
  );
}
