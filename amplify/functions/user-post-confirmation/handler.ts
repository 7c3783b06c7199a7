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
import { type ConfirmUserDeps, confirmUser } from './confirm-user';

const cognito = new CognitoIdentityProviderClient({});

const deps: ConfirmUserDeps = {
  putProfileOnce: async (profile) =>
    conditionalPut({
      // The table name comes through SSM: a stack reference from a trigger to the data stack
      // would close a cycle (the data stack already refers to the user pool).
      TableName: (await getParameter(config.userProfileTableParameter(), { maxAge: 3600 }))!,
      Item: profile,
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  addToGroup: async ({ userPoolId, userName }, group) => {
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: userName, GroupName: group }),
    );
  },
  publish: (event) => publishEvent(config.userEventsTopicArn(), event),
  now: () => new Date(),
};

export const handler = withSentry(async (event: PostConfirmationTriggerEvent) => {
  const confirmed = await confirmUser(event, deps);
  if (confirmed) logger.info('user confirmed', { ...confirmed });
  return event;
});
