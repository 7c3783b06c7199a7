import { beforeAll, describe, expect, it } from 'vitest';
import { eventSourceMappingFor, policyActionsOf, resourcesFor, scheduleFor } from './function-policies';
import { type Synth, synth } from './synth';

// Notifications (issue 6): schedules in Korean time, queue bindings and what each function may do.

let sandbox: Synth;

beforeAll(async () => {
  sandbox = await synth('sandbox');
});

const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
const actions = (name: string) => [...new Set(policyActionsOf(sandbox, name))].sort();
const appSyncScopes = (name: string) => resourcesFor(sandbox, name, 'appsync:GraphQL').join(' ');

const scheduleOf = (name: string) => scheduleFor(sandbox, name);
const queueMappingOf = (name: string) => eventSourceMappingFor(sandbox, name);

describe('notification functions', () => {
  it('runs chat reminders in the Korean evening, before the 21:00 night limit', () => {
    const schedule = scheduleOf('chat-reminder');
    expect(schedule.ScheduleExpression).toBe('cron(*/15 19-20 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
  });

  it('gives notice-broadcast one notice at a time from the notice queue, with partial failures', () => {
    const mapping = queueMappingOf('notice-broadcast');
    expect(mapping).toMatchObject({ BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(JSON.stringify(mapping.EventSourceArn)).toMatch(/MessagingNotice\w*Arn/);
  });

  it('lets notification-fanout read (never write) through AppSync and queue pushes', () => {
    expect(actions('notification-fanout')).toEqual(
      ['appsync:GraphQL', 's3:GetObject', ...STREAM_READ, ...SEND].sort(),
    );
    expect(appSyncScopes('notification-fanout')).not.toContain('Mutation');
    expect(resourcesFor(sandbox, 'notification-fanout', 'sqs:SendMessage').join(' ')).toMatch(
      /MessagingPush\w*Arn/,
    );
  });

  it('lets notice-broadcast scan profiles, keep its place and continue on its own queue', () => {
    expect(actions('notice-broadcast')).toEqual(
      [
        'appsync:GraphQL',
        'dynamodb:GetItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        's3:GetObject',
        // consuming the notice queue, and queueing the continuation
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:ReceiveMessage',
        ...SEND,
      ].sort(),
    );
    expect(resourcesFor(sandbox, 'notice-broadcast', 'dynamodb:Scan').join()).toContain('UserProfile');
    expect(appSyncScopes('notice-broadcast')).not.toContain('/types/Query/');
  });

  it('lets chat-reminder scan memberships and write nothing but its day records and reminders', () => {
    expect(actions('chat-reminder')).toEqual(
      ['appsync:GraphQL', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 's3:GetObject'].sort(),
    );
    expect(resourcesFor(sandbox, 'chat-reminder', 'dynamodb:Scan').join()).toContain('ConversationMember');
  });

  it('cleans devices up daily at 04:00 KST with only the table access it needs', () => {
    const schedule = scheduleOf('device-cleanup');
    expect(schedule.ScheduleExpression).toBe('cron(0 4 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
    expect(actions('device-cleanup')).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'].sort(),
    );
    expect(resourcesFor(sandbox, 'device-cleanup', 'dynamodb:Scan').join()).toContain('Device');
  });

  it('gives device-register AppSync only, and badge-sync AppSync and the push queue', () => {
    expect(actions('device-register')).toEqual(['appsync:GraphQL', 's3:GetObject']);
    expect(actions('badge-sync')).toEqual(['appsync:GraphQL', 's3:GetObject', ...SEND].sort());
  });

  it('lets push-sender consume the push queue, send through End User Messaging and fix device rows', () => {
    const mapping = queueMappingOf('push-sender');
    expect(mapping).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(JSON.stringify(mapping.EventSourceArn)).toMatch(/MessagingPush\w*Arn/);
    const granted = actions('push-sender');
    expect(granted).toEqual(
      expect.arrayContaining([
        'mobiletargeting:SendMessages',
        'dynamodb:Query',
        'dynamodb:DeleteItem',
        'sqs:ReceiveMessage',
      ]),
    );
    expect(granted).not.toContain('dynamodb:Scan');
    expect(granted).not.toContain('appsync:GraphQL');
    expect(resourcesFor(sandbox, 'push-sender', 'dynamodb:Query').join()).toContain('/index/devicesByUserId');
  });

  it.each([
    ['alert-lowest-price', 'cron(0 9 * * ? *)'],
    ['alert-presale', 'cron(5 9 * * ? *)'],
    ['alert-real-transaction', 'cron(10 9 * * ? *)'],
  ])('runs %s every morning in Korean time (%s)', (name, expression) => {
    const schedule = scheduleOf(name);
    expect(schedule.ScheduleExpression).toBe(expression);
    expect(schedule.ScheduleExpressionTimezone).toBe('Asia/Seoul');
    expect(actions(name)).toEqual([
      'appsync:GraphQL',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      's3:GetObject',
    ]);
  });
});
