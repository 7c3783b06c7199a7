import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { config } from '../shared/config';
import { conditionalPut } from '../shared/dynamo';
import { publishEvent } from '../shared/events';
import { logger } from '../shared/logger';
import { withSentry } from '../shared/sentry';
import { newUserProfile, userCreatedEvent } from './user-profile';

const cognito = new CognitoIdentityProviderClient({});

// Cognito may run this trigger up to three times: every step below is safe to repeat.
export const handler = withSentry(async (event: PostConfirmationTriggerEvent) => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  const userId = event.request.userAttributes.sub!;
  const now = new Date();

  // The table name comes through SSM: a stack reference from a trigger to the data stack
  // would close a cycle (the data stack already refers to the user pool).
  const tableName = await getParameter(config.userProfileTableParameter(), { maxAge: 3600 });
  const created = await conditionalPut({
    TableName: tableName!,
    Item: newUserProfile(userId, event.request.userAttributes.phone_number ?? '', now),
    ConditionExpression: 'attribute_not_exists(id)',
  });
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: event.userPoolId,
      Username: event.userName,
      GroupName: 'USERS',
    }),
  );
  // Published on every run with the same id; the consumer drops duplicates.
  await publishEvent(config.userEventsTopicArn(), userCreatedEvent(userId, now));
  logger.info('user confirmed', { userId, profileCreated: created });
  return event;
});
