import type { Stack } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Least-privilege grants as identity policies on the grantee's own role (never resource policies
 * on the target, which would make the target's stack refer to the grantee's). Auth triggers name
 * resources in the data stack by ARN patterns, not references: the user pool refers to the
 * triggers and the data stack to the user pool, so a reference back would close a cycle.
 */

export function allowItems(grantee: IGrantable, tableArn: string, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [tableArn] }),
  );
}

/** SMS only: Publish to phone numbers, never to a topic (a topic ARN is the only other target). */
export function allowSmsOnly(grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sns:Publish'], notResources: ['arn:aws:sns:*:*:*'] }),
  );
}

/** Publish to an encrypted topic: the topic and its key, granted on the publisher's side only. */
export function allowPublish(grantee: IGrantable, topic: ITopic, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
  );
}

export function allowReadParameter(grantee: IGrantable, scope: Stack, parameterName: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [
        scope.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: parameterName.replace(/^\//, ''),
        }),
      ],
    }),
  );
}

/**
 * Items of an Amplify model table named by pattern (`UserProfile-<apiId>-NONE`) in this account
 * and region: the table's real ARN would be a reference into the data stack.
 */
export function allowModelTableItems(
  grantee: IGrantable & IConstruct,
  scope: Stack,
  modelName: string,
  actions: string[],
) {
  const arn = scope.formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${modelName}-*` });
  allowItems(grantee, arn, actions);
  Validations.of(grantee).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${modelName}-*]`,
    reason:
      `Only ${modelName} tables of this account and region: the exact ARN would make the auth stack refer to ` +
      'the data stack, which already refers to the user pool (a cycle CloudFormation cannot deploy).',
  });
}
