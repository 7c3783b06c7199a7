import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import {
  CONVERSATION_FIELDS,
  MEMBER_FIELDS,
  MESSAGE_FIELDS,
} from '../../../amplify/functions/shared/chat/chat-fields';
import { logger } from '../../../amplify/functions/shared/logger';
import type { Deadline } from '../../../amplify/functions/shared/paged-work';
import { runCascade } from '../../../amplify/functions/user-delete-cascade/cascade';
import { subFilter } from '../../../amplify/functions/user-delete-cascade/cognito-accounts';
import { DELETION_STEPS } from '../../../amplify/functions/user-delete-cascade/deletion-plan';
import { createHandler } from '../../../amplify/functions/user-delete-cascade/handler';
import {
  DELETED_SENDER_ID,
  DELETED_SENDER_LABEL,
  MEMBER_LEFT_BODY,
} from '../../../amplify/functions/user-delete-cascade/member-departure';
import { lambdaContext } from '../../support/lambda-context';
import { parkingStreamRecords } from '../../support/stream-failures';
import {
  BROKER,
  cascadeDeps,
  deadline,
  FakeWorld,
  LEAVER,
  LEAVER_USERNAME,
  NOW,
  OTHER,
  operatorRemovesProfile,
  profile,
  removeRecord,
  STAFF,
  seedAccount,
  streamEvent,
  TABLES,
  TOPIC_ARN,
} from './account-fakes';

const sqs = mockClient(SQSClient);

let world: FakeWorld;

beforeEach(() => {
  world = new FakeWorld();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function runStream(
  records: DynamoDBRecord[] = [operatorRemovesProfile(world)],
  options: Parameters<typeof cascadeDeps>[1] = {},
): Promise<DynamoDBBatchResponse> {
  const handler = createHandler(cascadeDeps(world, options));
  return handler(
    streamEvent(...records),
    lambdaContext(300_000, 'user-delete-cascade'),
  ) as Promise<DynamoDBBatchResponse>;
}

const ids = (table: string, where: (row: Record<string, unknown>) => boolean = () => true) =>
  world
    .rows(table, where)
    .map((row) => row.id)
    .sort();
const message = (id: string) => world.row(TABLES.message, { id });
const systemMessages = () => world.rows(TABLES.message, (row) => row.kind === 'SYSTEM');
const collapse = (text: string) => text.replace(/\s+/g, ' ');

/** Time runs short once `stop` says so. */
function deadlineUntil(stop: () => boolean): Deadline {
  return { remainingMs: () => 200_000, near: stop };
}

describe('the cascade on a UserProfile REMOVE', () => {
  it("removes the account's devices, alerts, inbox and broker link, and nobody else's", async () => {
    seedAccount(world);
    expect(await runStream()).toEqual({ batchItemFailures: [] });

    expect(ids(TABLES.device)).toEqual(['dev-other']);
    expect(ids(TABLES.alertSubscription)).toEqual(['alert-other']);
    expect(ids(TABLES.notification)).toEqual(['note-other']);
    expect(world.row(TABLES.brokerProfile, { id: 'BRK-301' })).not.toHaveProperty('userId');
    expect(world.row(TABLES.brokerProfile, { id: 'BRK-301' })?.updatedAt).toBe(NOW.toISOString());
    expect(world.row(TABLES.brokerProfile, { id: 'BRK-302' })?.userId).toBe(BROKER);
    expect(world.row(TABLES.userProfile, { id: OTHER })).toBeDefined();
  });

  it('leaves every conversation: a "left" message for those who stay, the conversation and their rows updated', async () => {
    seedAccount(world);
    await runStream();

    expect(world.row(TABLES.conversation, { id: 'conv-inquiry' })).toMatchObject({
      memberIds: [BROKER],
      buyerId: null,
      status: 'CLOSED',
      dedupeKey: 'LISTING_INQUIRY#buyer=deleted-user#broker=BRK-302#listing=LST-20001',
    });
    expect(world.row(TABLES.conversation, { id: 'conv-group' })).toMatchObject({
      memberIds: [STAFF, BROKER],
      buyerId: null,
      status: 'OPEN',
    });
    expect(world.rows(TABLES.conversationMember, (row) => row.userId === LEAVER)).toEqual([]);
    expect(
      world
        .rows(TABLES.conversationMember)
        .map((row) => [row.conversationId, row.userId, row.memberIds])
        .sort(),
    ).toEqual([
      ['conv-group', STAFF, [STAFF, BROKER]],
      ['conv-group', BROKER, [STAFF, BROKER]],
      ['conv-inquiry', BROKER, [BROKER]],
    ]);
    expect(
      systemMessages()
        .map((row) => [row.conversationId, row.memberIds, row.body, row.senderId])
        .sort(),
    ).toEqual([
      ['conv-group', [STAFF, BROKER], MEMBER_LEFT_BODY, 'system'],
      ['conv-inquiry', [BROKER], MEMBER_LEFT_BODY, 'system'],
    ]);
  });

  it("leaves no row of any model table holding the user's id", async () => {
    seedAccount(world);
    await runStream();
    const modelTables = Object.values(TABLES).filter((table) => table !== TABLES.idempotency);
    const mentioning = modelTables.flatMap((table) =>
      world.rows(table, (row) => JSON.stringify(row).includes(LEAVER)).map((row) => [table, row.id]),
    );
    expect(mentioning).toEqual([]);
  });

  it('selects every field in its AppSync writes, so subscribers get whole rows', async () => {
    seedAccount(world);
    await runStream();
    const selection = (operation: string) => collapse(world.appSyncOperations(operation)[0]!.query);
    expect(selection('UpdateConversation')).toContain(collapse(CONVERSATION_FIELDS));
    expect(selection('UpdateMessage')).toContain(collapse(MESSAGE_FIELDS));
    expect(collapse(MESSAGE_FIELDS)).toContain('senderLabel');
    expect(selection('UpdateMember')).toContain(collapse(MEMBER_FIELDS));
    // The typed client's delete: without a selection set, it selects every field.
    const deletes = world.appSyncOperations('DeleteConversationMember');
    expect(deletes.length).toBeGreaterThan(0);
    for (const call of deletes) expect(call.options).toEqual({});
  });

  it("anonymizes the user's messages and keeps their text by default", async () => {
    seedAccount(world);
    await runStream();

    // conv-inquiry: m000 and m002 (a photo) are the leaver's, m001 and m003 the broker's.
    expect(message('conv-inquiry-m000')).toMatchObject({
      senderId: DELETED_SENDER_ID,
      senderLabel: DELETED_SENDER_LABEL,
      clientMessageId: null,
      body: '메시지 0',
      memberIds: [BROKER],
    });
    expect(message('conv-inquiry-m002')).toMatchObject({
      senderId: DELETED_SENDER_ID,
      body: '메시지 2',
      image: { key: 'chat/photo.jpg', width: 800, height: 600 },
    });
    expect(message('conv-inquiry-m001')).toMatchObject({
      senderId: BROKER,
      memberIds: [BROKER],
      body: '메시지 1',
    });
    expect(message('conv-inquiry-m001')).not.toHaveProperty('senderLabel');
    expect(message('conv-group-m001')).toMatchObject({
      senderId: DELETED_SENDER_ID,
      memberIds: [STAFF, BROKER],
    });
    expect(world.rows(TABLES.message, (row) => (row.memberIds as string[]).includes(LEAVER))).toEqual([]);
    expect(world.rows(TABLES.message, (row) => row.senderId === LEAVER)).toEqual([]);
    // Never addressed to the leaver: not written at all.
    expect(
      world
        .appSyncOperations('UpdateMessage')
        .filter((call) => (call.variables.input as { id: string }).id === 'conv-group-early'),
    ).toEqual([]);
  });

  it('clears the text, photo and listing of their messages when DELETED_USER_MESSAGE_BODY is CLEAR', async () => {
    seedAccount(world);
    await runStream(undefined, { policy: 'CLEAR' });

    expect(message('conv-inquiry-m002')).toMatchObject({
      senderId: DELETED_SENDER_ID,
      senderLabel: DELETED_SENDER_LABEL,
      body: null,
      image: null,
      listing: null,
    });
    expect(message('conv-inquiry-m001')?.body).toBe('메시지 1');
  });

  it('publishes user.deleted on the user-events topic, dated by the request', async () => {
    seedAccount(world);
    await runStream();

    expect(world.published).toHaveLength(1);
    expect(world.published[0]!.TopicArn).toBe(TOPIC_ARN);
    expect(JSON.parse(String(world.published[0]!.Message))).toEqual({
      type: 'user.deleted',
      id: `user.deleted:${LEAVER}`,
      occurredAt: NOW.toISOString(),
      version: 1,
      payload: { userId: LEAVER },
    });
    expect(world.published[0]!.MessageAttributes?.type).toEqual({
      DataType: 'String',
      StringValue: 'user.deleted',
    });
  });

  it('blocks sign-in first when an operator removed the profile, and deletes the Cognito user last', async () => {
    seedAccount(world);
    await runStream();

    expect(world.cognitoCalls.map((call) => call.command)).toEqual([
      'ListUsers',
      'AdminDisableUser',
      'AdminUserGlobalSignOut',
      'ListUsers',
      'AdminDeleteUser',
    ]);
    expect(world.cognitoCalls[0]!.input.Filter).toBe(`sub = "${LEAVER}"`);
    expect(world.cognitoCalls[1]!.input.Username).toBe(LEAVER_USERNAME);
    expect(world.users.has(LEAVER_USERNAME)).toBe(false);
    expect(world.users.has(OTHER)).toBe(true);
  });

  it('records the job as COMPLETED with every step, and keeps it 30 days', async () => {
    seedAccount(world);
    await runStream();

    const job = world.job()!;
    expect(job).toMatchObject({
      status: 'COMPLETED',
      requestedAt: NOW.toISOString(),
      completedAt: NOW.toISOString(),
      done: [...DELETION_STEPS],
      expiration: NOW.getTime() / 1000 + 30 * 86_400,
    });
    expect(job).not.toHaveProperty('leaseOwner');
    expect(job).not.toHaveProperty('cursor');
  });

  it('pages through a big inbox, a hundred notifications a query', async () => {
    seedAccount(world, { notifications: 250 });
    await runStream();

    expect(ids(TABLES.notification)).toEqual(['note-other']);
    const queries = world.calls('Query', TABLES.notification);
    expect(queries.map((call) => call.input.Limit)).toEqual([100, 100, 100]);
    expect(queries[0]!.input).not.toHaveProperty('ExclusiveStartKey');
    expect(queries[1]!.input.ExclusiveStartKey).toMatchObject({ id: 'note-0099', userId: LEAVER });
    expect(queries[0]!.input.ProjectionExpression).toBe('#id');
  });

  it('keeps a device that another user registered between the query and the delete', async () => {
    seedAccount(world);
    world.afterQuery = (input) => {
      if (input.TableName === TABLES.device) world.row(TABLES.device, { id: 'dev-b' })!.userId = OTHER;
    };
    await runStream();
    expect(ids(TABLES.device)).toEqual(['dev-b', 'dev-other']);
    expect(world.row(TABLES.device, { id: 'dev-b' })?.userId).toBe(OTHER);
  });

  it('still leaves a conversation whose row is gone: no message to post, the membership and messages done', async () => {
    seedAccount(world);
    world.tables.get(TABLES.conversation)!.clear();
    expect(await runStream()).toEqual({ batchItemFailures: [] });

    expect(systemMessages()).toEqual([]);
    expect(world.appSyncOperations('UpdateConversation')).toEqual([]);
    expect(world.rows(TABLES.conversationMember, (row) => row.userId === LEAVER)).toEqual([]);
    expect(message('conv-inquiry-m000')?.senderId).toBe(DELETED_SENDER_ID);
  });

  it('counts a Cognito user already gone as deleted', async () => {
    seedAccount(world);
    world.users.clear();
    expect(await runStream()).toEqual({ batchItemFailures: [] });
    expect(world.job()?.status).toBe('COMPLETED');
    expect(world.cognitoCalls.map((call) => call.command)).toEqual(['ListUsers', 'ListUsers']);
  });
});

describe('the cascade is idempotent and resumable', () => {
  it('does nothing again for a replayed REMOVE record', async () => {
    seedAccount(world);
    await runStream();
    world.dynamoCalls.length = 0;
    world.appSyncCalls.length = 0;
    world.cognitoCalls.length = 0;

    expect(await runStream([removeRecord(profile(), 'evt-remove-replayed')])).toEqual({
      batchItemFailures: [],
    });

    expect(world.dynamoCalls.map((call) => call.command)).toEqual(['Get']);
    expect(world.appSyncCalls).toEqual([]);
    expect(world.cognitoCalls).toEqual([]);
    expect(world.published).toHaveLength(1);
  });

  it('fails the record when a step fails midway, then resumes without redoing the finished steps', async () => {
    seedAccount(world);
    let failures = 1;
    world.appSyncFault = (operation, variables) =>
      operation === 'UpdateMessage' &&
      (variables.input as { id: string }).id === 'conv-group-m003' &&
      failures-- > 0
        ? new AppSyncUnavailableError('AppSync UpdateMessage answered HTTP 503', 503)
        : undefined;

    const record = removeRecord(profile());
    expect(await runStream([record])).toEqual({
      batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }],
    });

    const stopped = world.job()!;
    expect(stopped.status).toBe('IN_PROGRESS');
    expect(stopped.done).toEqual([
      'sign-in-blocked',
      'devices',
      'alert-subscriptions',
      'notifications',
      'broker-link',
    ]);
    // conv-inquiry (older activity) was finished; the cursor is after it.
    expect(stopped.cursor).toEqual({
      step: 'memberships',
      position: {
        after: { conversationId: 'conv-inquiry', userId: LEAVER, lastMessageAt: expect.any(String) },
      },
    });
    expect(stopped).not.toHaveProperty('leaseOwner');
    expect(world.published).toEqual([]);
    expect(world.users.has(LEAVER_USERNAME)).toBe(true);

    world.dynamoCalls.length = 0;
    world.appSyncCalls.length = 0;
    world.cognitoCalls.length = 0;
    expect(await runStream([record])).toEqual({ batchItemFailures: [] });

    for (const table of [TABLES.device, TABLES.alertSubscription, TABLES.notification])
      expect(world.calls('Query', table)).toEqual([]);
    expect(world.calls('Scan')).toEqual([]);
    expect(world.cognitoCalls.map((call) => call.command)).toEqual(['ListUsers', 'AdminDeleteUser']);
    expect(
      world.appSyncCalls.filter((call) => JSON.stringify(call.variables).includes('conv-inquiry')),
    ).toEqual([]);
    expect(systemMessages()).toHaveLength(2);
    expect(message('conv-group-m003')?.memberIds).toEqual([STAFF, BROKER]);
    expect(world.job()?.status).toBe('COMPLETED');
    expect(world.published).toHaveLength(1);
  });

  it('stops between pages when time runs short and carries on from the saved position', async () => {
    seedAccount(world, { notifications: 250 });
    const deps = cascadeDeps(world);
    const first = await runCascade(
      LEAVER,
      deps,
      deadlineUntil(() => world.calls('Query', TABLES.notification).length >= 1),
      'run-1',
    );

    expect(first.outcome).toBe('stopped');
    expect(first).toMatchObject({ step: 'notifications' });
    expect(ids(TABLES.notification, (row) => row.userId === LEAVER)).toHaveLength(150);
    const saved = world.job()!.cursor as { step: string; position: { after: Record<string, unknown> } };
    expect(saved.step).toBe('notifications');
    expect(saved.position.after).toMatchObject({ id: 'note-0099' });
    expect(world.job()).not.toHaveProperty('leaseOwner');

    world.dynamoCalls.length = 0;
    const second = await runCascade(LEAVER, deps, deadline(), 'run-2');
    expect(second.outcome).toBe('completed');
    expect(world.calls('Query', TABLES.notification)[0]!.input.ExclusiveStartKey).toEqual(
      saved.position.after,
    );
    expect(world.calls('Query', TABLES.device)).toEqual([]);
    expect(ids(TABLES.notification)).toEqual(['note-other']);
  });

  it('pauses inside a long conversation and resumes at the saved page of its messages', async () => {
    seedAccount(world, { messages: 9 });
    const deps = { ...cascadeDeps(world), settings: { messagePageSize: 3 } };
    const groupPages = () =>
      world
        .calls('Query', TABLES.message)
        .filter((call) => JSON.stringify(call.input).includes('conv-group'));
    const first = await runCascade(
      LEAVER,
      deps,
      deadlineUntil(() => groupPages().length >= 2),
      'run-1',
    );

    expect(first).toMatchObject({ outcome: 'stopped', step: 'memberships' });
    const position = world.job()!.cursor as {
      position: {
        after: Record<string, unknown>;
        conversationId: string;
        messagesAfter: Record<string, unknown>;
      };
    };
    expect(position.position.conversationId).toBe('conv-group');
    expect(position.position.after).toMatchObject({ conversationId: 'conv-inquiry' });
    expect(position.position.messagesAfter).toMatchObject({ conversationId: 'conv-group' });
    // The membership that lists conv-group as still to do is kept until its messages are done.
    expect(
      world.row(TABLES.conversationMember, { conversationId: 'conv-group', userId: LEAVER }),
    ).toBeDefined();

    world.dynamoCalls.length = 0;
    expect((await runCascade(LEAVER, deps, deadline(), 'run-2')).outcome).toBe('completed');
    expect(groupPages()[0]!.input.ExclusiveStartKey).toEqual(position.position.messagesAfter);
    expect(world.rows(TABLES.message, (row) => (row.memberIds as string[]).includes(LEAVER))).toEqual([]);
    expect(systemMessages()).toHaveLength(2);
  });

  it('fails the record while another invocation holds the job, touching nothing', async () => {
    seedAccount(world);
    world.putRow(TABLES.idempotency, {
      id: `account-deletion:${LEAVER}`,
      kind: 'account-deletion',
      userId: LEAVER,
      status: 'IN_PROGRESS',
      requestedAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      done: ['sign-in-blocked'],
      leaseOwner: 'someone-else',
      leaseUntil: NOW.getTime() + 60_000,
      version: 3,
    });
    const record = removeRecord(profile());
    expect(await runStream([record])).toEqual({
      batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }],
    });
    expect(ids(TABLES.device)).toEqual(['dev-a', 'dev-b', 'dev-other']);
    expect(world.job()).toMatchObject({ leaseOwner: 'someone-else', version: 3 });
  });

  it('ignores records other than REMOVE and parks a REMOVE without an id on stream-failures', async () => {
    seedAccount(world);
    const insert: DynamoDBRecord = { ...removeRecord(profile(), 'evt-insert'), eventName: 'INSERT' };
    const keyless: DynamoDBRecord = { eventID: 'evt-keyless', eventName: 'REMOVE', dynamodb: {} };

    const { result, parked } = await parkingStreamRecords(sqs, () => runStream([insert, keyless]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(world.dynamoCalls).toEqual([]);
    expect(parked.map((record) => record.record.eventID)).toEqual(['evt-keyless']);
  });

  it('never logs the Cognito username (a phone number here) or message text', async () => {
    seedAccount(world);
    const written: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const)
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        written.push(args);
      });
    world.appSyncFault = (operation) =>
      operation === 'UpdateMember'
        ? new AppSyncUnavailableError('AppSync UpdateConversationMember answered HTTP 503', 503)
        : undefined;
    expect((await runStream()).batchItemFailures).toHaveLength(1);
    world.appSyncFault = undefined;
    await runStream();

    expect(world.job()?.status).toBe('COMPLETED');
    expect(written.length).toBeGreaterThan(0);
    const text = JSON.stringify(written);
    expect(text).toContain(LEAVER);
    expect(text).not.toContain(LEAVER_USERNAME);
    expect(text).not.toContain('메시지');
  });
});

describe('subFilter', () => {
  it('quotes the id for ListUsers, escaping what would end the string', () => {
    expect(subFilter(LEAVER)).toBe(`sub = "${LEAVER}"`);
    expect(subFilter('a"b\\c')).toBe('sub = "a\\"b\\\\c"');
  });
});

describe('the cascade racing other membership changes', () => {
  const NEW_BROKER = 'sub-new-broker';

  /** What a broker assignment writes to one row meanwhile: its memberIds gain the broker. */
  function assignmentAddsBroker(row: Record<string, unknown> | undefined) {
    if (!row) throw new Error('no such row');
    row.memberIds = [...(row.memberIds as string[]), NEW_BROKER];
    row.updatedAt = world.nextUpdatedAt();
  }

  it('keeps a broker assigned between its read of the conversation and its update', async () => {
    seedAccount(world);
    let raced = false;
    world.beforeAppSyncWrite = (operation, input) => {
      if (raced || operation !== 'UpdateConversation' || input.id !== 'conv-group') return;
      raced = true;
      assignmentAddsBroker(world.row(TABLES.conversation, { id: 'conv-group' }));
    };

    expect(await runStream()).toEqual({ batchItemFailures: [] });

    expect(raced).toBe(true);
    expect(world.row(TABLES.conversation, { id: 'conv-group' })!.memberIds).toEqual([
      STAFF,
      BROKER,
      NEW_BROKER,
    ]);
    // The first write failed on its condition; the second was planned from the row with the broker.
    const writes = world.appSyncOperations('UpdateConversation').filter((call) => {
      const input = call.variables.input as { id: string };
      return input.id === 'conv-group';
    });
    expect(writes).toHaveLength(2);
    expect(writes[0]!.variables.condition).toEqual({ updatedAt: { eq: expect.any(String) } });
  });

  it('keeps a broker added to a member row or a message while the user is removed from it', async () => {
    seedAccount(world);
    const raced = new Set<string>();
    world.beforeAppSyncWrite = (operation, input) => {
      if (operation === 'UpdateMember' && input.userId === STAFF && !raced.has('member')) {
        raced.add('member');
        assignmentAddsBroker(
          world.row(TABLES.conversationMember, { conversationId: 'conv-group', userId: STAFF }),
        );
      }
      if (operation === 'UpdateMessage' && input.id === 'conv-group-m001' && !raced.has('message')) {
        raced.add('message');
        assignmentAddsBroker(world.row(TABLES.message, { id: 'conv-group-m001' }));
      }
    };

    expect(await runStream()).toEqual({ batchItemFailures: [] });

    expect([...raced].sort()).toEqual(['member', 'message']);
    expect(
      world.row(TABLES.conversationMember, { conversationId: 'conv-group', userId: STAFF })!.memberIds,
    ).toEqual([STAFF, BROKER, NEW_BROKER]);
    expect(message('conv-group-m001')!.memberIds).toEqual([STAFF, BROKER, NEW_BROKER]);
    // The leaver's message, still anonymized: the retry planned the whole departure again.
    expect(message('conv-group-m001')).toMatchObject({
      senderId: DELETED_SENDER_ID,
      senderLabel: DELETED_SENDER_LABEL,
    });
    expect(world.rows(TABLES.message, (row) => (row.memberIds as string[]).includes(LEAVER))).toEqual([]);
  });
});
