import type { AppSyncResolverEvent, Context, DynamoDBStreamEvent } from 'aws-lambda';
import { processStreamBatch } from '../shared/batch';
import { postSystemMessage } from '../shared/chat/system-message';
import { config } from '../shared/config';
import { dataClient } from '../shared/data-client';
import { publishEvent } from '../shared/events';
import { deadlineOf } from '../shared/paged-work';
import { withSentry } from '../shared/sentry';
import type { CascadeDeps } from './cascade';
import { chatWrites } from './chat-writes';
import { cognitoAccounts } from './cognito-accounts';
import { deleteAccount } from './delete-account';
import { deletionJobStore } from './deletion-job-store';
import { deletionSettings } from './deletion-settings';
import { onProfileRemoved } from './profile-removed';
import { userDataStore } from './user-data-store';

/** Stop starting work with this much left: a chunk of AppSync writes (10 s timeout each) and the saves. */
export const RESERVE_MS = 20_000;

type Event = DynamoDBStreamEvent | (AppSyncResolverEvent<Record<string, never>> & { fieldName?: string });

/** Mutation deleteAccount, and the UserProfile stream's REMOVE records (the cascade). */
export function createHandler(deps: CascadeDeps) {
  return async (event: Event, context: Context) => {
    const deadline = deadlineOf(context, RESERVE_MS);
    if ('Records' in event) {
      return processStreamBatch(
        event,
        (record) => onProfileRemoved(record, deps, deadline, `${context.awsRequestId}:${record.eventID}`),
        context,
      );
    }
    // Amplify's resolver sends { typeName, fieldName, arguments, identity, … } (no `info`).
    const fieldName = event.fieldName ?? event.info?.fieldName;
    if (fieldName === 'deleteAccount')
      return deleteAccount(event.identity, deps, deadline, context.awsRequestId);
    throw new Error(`user-delete-cascade does not handle ${String(fieldName)}`);
  };
}

export const handler = withSentry(
  createHandler({
    jobs: deletionJobStore({ tableName: config.idempotencyTableName }),
    data: userDataStore({
      userProfile: config.userProfileTableName,
      device: config.deviceTableName,
      alertSubscription: deletionSettings.alertSubscriptionTableName,
      notification: deletionSettings.notificationTableName,
      brokerProfile: deletionSettings.brokerProfileTableName,
      conversationMember: config.conversationMemberTableName,
      message: deletionSettings.messageTableName,
    }),
    chat: chatWrites(dataClient),
    postSystemMessage: (message, now) => postSystemMessage(message, now),
    cognito: cognitoAccounts({ userPoolId: deletionSettings.userPoolId }),
    publish: (event) => publishEvent(config.userEventsTopicArn(), event),
    messageBodyPolicy: deletionSettings.messageBodyPolicy,
    now: () => new Date(),
  }),
);
