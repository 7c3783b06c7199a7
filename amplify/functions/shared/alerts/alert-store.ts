import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { config } from '../config';
import { type DataClient, dataClient, pageOf } from '../data-client';
import { conditionalPut, documentClient } from '../dynamo';
import { createLegacyCircuit, legacyClientFor } from '../legacy-client';
import { createNotificationOnce } from '../notifications/notification-create';
import type { AlertKind, NotificationInput } from './alert-plan';
import type {
  AlertRunDeps,
  AlertRunState,
  AlertStateStore,
  NotificationSink,
  SubscriptionSource,
} from './alert-run';

/**
 * The alert runs' I/O: subscriptions from the kind-and-target index and Notification creates
 * through AppSync (so the owner's onCreateNotification subscription fires and notification-fanout
 * sees the INSERT), the run state in the idempotency table.
 */

export function subscriptionIndex(data: () => Promise<DataClient>): SubscriptionSource {
  return {
    async *pages(kind, from) {
      const { models } = await data();
      const target = from ? { target: from.inclusive ? { ge: from.target } : { gt: from.target } } : {};
      let nextToken: string | undefined;
      do {
        const page = await pageOf(
          'ListAlertSubscriptionsByKind',
          models.AlertSubscription.listAlertSubscriptionsByKindAndTarget(
            { kind, ...target },
            {
              sortDirection: 'ASC',
              limit: 1000,
              nextToken,
              selectionSet: ['id', 'userId', 'kind', 'target', 'thresholdWon', 'label'],
            },
          ),
        );
        yield page.items;
        nextToken = page.nextToken;
      } while (nextToken);
    },
  };
}

export function notificationWriter(data: () => Promise<DataClient>): NotificationSink {
  return {
    // An existing id: this user was told about this subject before.
    create: async (notification: NotificationInput) =>
      (await createNotificationOnce(await data(), notification)) === 'created',
  };
}

/** The idempotency table's row for a kind's run state; it has no `expiration`, so it never expires. */
export const alertStateId = (kind: AlertKind) => `alert-cursor:${kind}`;

interface AlertStateItem extends AlertRunState {
  id: string;
  kind: AlertKind;
  version: number;
  updatedAt: string;
}

export function alertStateTable(
  tableName: () => string,
  options: { client?: DynamoDBDocumentClient; now?: () => Date } = {},
): AlertStateStore {
  const client = options.client ?? documentClient;
  const now = options.now ?? (() => new Date());
  return {
    async load(kind) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName(), Key: { id: alertStateId(kind) }, ConsistentRead: true }),
      );
      if (!Item) return { version: 0 };
      const item = Item as AlertStateItem;
      return {
        state: { since: item.since, ...(item.run ? { run: item.run } : {}) },
        version: Number(item.version) || 0,
      };
    },

    async save(kind, state, expected) {
      const item: AlertStateItem = {
        id: alertStateId(kind),
        kind,
        since: state.since,
        ...(state.run ? { run: state.run } : {}),
        version: expected + 1,
        updatedAt: now().toISOString(),
      };
      const saved = await conditionalPut(
        {
          TableName: tableName(),
          Item: item,
          ...(expected === 0
            ? { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expected },
              }),
        },
        { client },
      );
      return saved ? expected + 1 : undefined;
    },
  };
}

/** The function's own clients: the typed data client with its role, the Legacy API with its service token, the idempotency table. */
export function defaultAlertDeps(context: Pick<Context, 'getRemainingTimeInMillis'>): AlertRunDeps {
  return {
    subscriptions: subscriptionIndex(dataClient),
    // One circuit per run: a run of 5xx stops the feed calls for the rest of it.
    legacy: legacyClientFor(context, createLegacyCircuit()),
    notifications: notificationWriter(dataClient),
    state: alertStateTable(config.idempotencyTableName),
    now: () => new Date(),
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  };
}
