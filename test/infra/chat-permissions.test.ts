import { beforeAll, describe, expect, it } from 'vitest';
import { policyActionsOf, resourcesFor } from './function-policies';
import { type Synth, synth } from './synth';

// What the chat stream functions may do: each reaches its own stream, the stream-failures
// queue, AppSync (query, or query and mutate) and exactly the table items and queues it needs.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const actions = (name: string) => [...new Set(policyActionsOf(sandbox, name))].sort();
const appSyncScopes = (name: string) => resourcesFor(sandbox, name, 'appsync:GraphQL').join(' ');

describe('chat stream functions', () => {
  it('lets the unread counter add to member rows and mark messages counted, and nothing else', () => {
    expect(actions('message-unread-counter')).toEqual(
      [
        'appsync:GraphQL',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        's3:GetObject',
        ...STREAM_READ,
        ...SEND,
      ].sort(),
    );
    expect(resourcesFor(sandbox, 'message-unread-counter', 'dynamodb:UpdateItem').join()).toContain(
      'ConversationMember',
    );
    expect(resourcesFor(sandbox, 'message-unread-counter', 'dynamodb:PutItem').join()).toMatch(
      /Idempotency/i,
    );
    expect(appSyncScopes('message-unread-counter')).toContain('/types/Mutation/*');
  });

  it('lets the push planner read messages and queue pushes, but write nothing through AppSync', () => {
    expect(actions('message-push')).toEqual(
      [
        'appsync:GraphQL',
        'dynamodb:GetItem',
        's3:GetObject',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:ReceiveMessage',
        ...SEND,
      ].sort(),
    );
    const gets = resourcesFor(sandbox, 'message-push', 'dynamodb:GetItem').join(' ');
    expect(gets).toMatch(/Idempotency/i);
    expect(gets).toMatch(/MessageTable|Message(?!Member)/);
    expect(appSyncScopes('message-push')).toContain('/types/Query/*');
    expect(appSyncScopes('message-push')).not.toContain('Mutation');
    const queues = resourcesFor(sandbox, 'message-push', 'sqs:SendMessage').join(' ');
    expect(queues).toMatch(/MessagingPush\w*Arn/);
  });

  it('lets read receipts publish chat events, queue badge pushes and read the counted markers', () => {
    expect(actions('message-read-receipt')).toEqual(
      [
        'appsync:GraphQL',
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        's3:GetObject',
        'sns:Publish',
        ...STREAM_READ,
        ...SEND,
      ].sort(),
    );
    expect(resourcesFor(sandbox, 'message-read-receipt', 'sns:Publish').join()).toMatch(/ChatEvents/i);
  });
});
