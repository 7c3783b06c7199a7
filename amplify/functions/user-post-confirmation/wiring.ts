import type { Stack } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Messaging } from '../../custom/messaging/resource';
import { type Deployment, ssmParameterName } from '../../environment';
import { type BackendFunction, type ModelTables, modelTable } from '../../function-wiring';
import { allowModelTableItems, allowPublish, allowReadParameter } from '../../iam-grants';
import { ENV } from '../shared/env-names';
import { SSM_PATHS } from '../shared/ssm-paths';

/** The new user's profile row and the user.created event. */
export function wireUserPostConfirmation(
  fn: BackendFunction,
  deps: {
    authStack: Stack;
    dataStack: Stack;
    deployment: Deployment;
    models: ModelTables;
    messaging: Messaging;
  },
): void {
  const { authStack, messaging } = deps;
  // Written by the data stack, read by name: the trigger must not refer to the data stack.
  const userProfileTableParameterName = ssmParameterName(deps.deployment, SSM_PATHS.userProfileTable);
  new StringParameter(deps.dataStack, 'UserProfileTableNameParameter', {
    parameterName: userProfileTableParameterName,
    stringValue: modelTable(deps.models, 'UserProfile').tableName,
  });
  allowReadParameter(fn.resources.lambda, authStack, userProfileTableParameterName);
  allowModelTableItems(fn.resources.lambda, authStack, 'UserProfile', ['PutItem']);
  fn.addEnvironment(ENV.USER_EVENTS_TOPIC_ARN, messaging.userEventsTopic.topicArn);
  allowPublish(fn.resources.lambda, messaging.userEventsTopic, messaging.topicKey);
}
