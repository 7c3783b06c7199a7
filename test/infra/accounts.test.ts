import { beforeAll, describe, expect, it } from 'vitest';
import {
  eventSourceMappingFor,
  policyActionsOf,
  policyStatementsOf,
  resourcesFor,
} from './function-policies';
import { type Synth, synth } from './synth';

// Account deletion (issue 7): the UserProfile REMOVE binding and exactly what the cascade may do.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

describe('user-delete-cascade', () => {
  it('runs for every removed profile, one account per invocation, with bounded retries', () => {
    const mapping = eventSourceMappingFor(sandbox, 'user-delete-cascade');
    expect(mapping).toMatchObject({
      BatchSize: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const pattern = JSON.parse(
      (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern,
    );
    expect(pattern).toEqual({ eventName: ['REMOVE'] });
    expect(JSON.stringify(mapping.EventSourceArn)).toContain('DataUserProfileNestedStack');
  });

  it('may disable, sign out and delete users of its own user pool, and nothing else in Cognito', () => {
    const cognito = policyStatementsOf(sandbox, 'user-delete-cascade').filter((statement) =>
      JSON.stringify(statement.Action).includes('cognito-idp:'),
    );
    expect(cognito).toHaveLength(1);
    expect([...(cognito[0]!.Action as string[])].sort()).toEqual([
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:ListUsers',
    ]);
    expect(JSON.stringify(cognito[0]!.Resource)).toMatch(/UserPool/);
    expect(JSON.stringify(cognito[0]!.Resource)).not.toContain('*');
  });

  it('deletes the user’s own rows by their indexes, never scans them', () => {
    const actions = new Set(policyActionsOf(sandbox, 'user-delete-cascade'));
    expect(actions).toContain('sns:Publish');
    const queried = resourcesFor(sandbox, 'user-delete-cascade', 'dynamodb:Query').join(' ');
    for (const index of [
      'devicesByUserId',
      'alertSubscriptionsByUserId',
      'notificationsByUserIdAndCreatedAt',
      'conversationMembersByUserIdAndLastMessageAt',
      'messagesByConversationIdAndCreatedAt',
    ]) {
      expect(queried).toContain(`/index/${index}`);
    }
    // The one scan: the small broker table, for a broker's link to the account.
    const scanned = resourcesFor(sandbox, 'user-delete-cascade', 'dynamodb:Scan');
    expect(scanned).toHaveLength(1);
    expect(scanned[0]).toContain('DataBrokerProfileNestedStack');
    expect(resourcesFor(sandbox, 'user-delete-cascade', 'dynamodb:DeleteItem').join(' ')).not.toMatch(
      /DataMessageNestedStack|DataConversationNestedStack/,
    );
  });
});
