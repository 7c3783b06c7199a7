import { beforeEach, describe, expect, it } from 'vitest';
import { AppSyncUnavailableError } from '../../../../amplify/functions/shared/appsync-client';
import {
  assignBroker,
  type BrokerForAssignment,
  brokerAssignedBody,
  brokerAssignedKey,
  brokerJoinedText,
} from '../../../../amplify/functions/shared/chat/broker-assignment';
import { systemClientMessageId } from '../../../../amplify/functions/shared/chat/system-message';
import { notificationId } from '../../../../amplify/functions/shared/notifications/notification-create';
import { BUYER, DAECHI, FakeChatAppSync, inquiry, NOW } from '../../../support/matching-fixtures';

const KIM: BrokerForAssignment = {
  id: 'BRK-301',
  userId: 'sub-kim',
  name: '김민수',
  officeName: '래미안공인중개사',
};
const LEE: BrokerForAssignment = { id: 'BRK-302', userId: 'sub-lee', name: '이지은', officeName: null };

let appSync: FakeChatAppSync;

function assign(broker: BrokerForAssignment, mode: 'MATCHED' | 'LEGACY_ASSIGNED' = 'MATCHED') {
  return assignBroker(
    { conversationId: 'conv-1', broker, mode },
    { data: async () => appSync.client(), now: () => NOW, sleep: async () => undefined },
  );
}

/** A waiting inquiry the buyer already wrote two messages in, after the welcome. */
function waitingInquiry() {
  appSync.addConversation(inquiry());
  appSync.addMember('conv-1', BUYER, 'BUYER', [BUYER]);
  for (const index of [0, 1, 2]) appSync.addMessage('conv-1', index, [BUYER]);
  appSync.addListing({
    id: 'LST-20001',
    complexId: 'CPX-1001',
    complexName: '은마아파트',
    regionCode: DAECHI,
  });
}

function systemMessages() {
  return appSync.messagesOf('conv-1').filter((m) => m.kind === 'SYSTEM');
}

beforeEach(() => {
  appSync = new FakeChatAppSync();
});

describe('assignBroker (MATCHED)', () => {
  it('opens the conversation with the broker as a member and brokerId set to the legacy id', async () => {
    waitingInquiry();

    const outcome = await assign(KIM);

    expect(outcome.kind).toBe('ASSIGNED');
    const conversation = appSync.conversations.get('conv-1')!;
    expect(conversation).toMatchObject({
      status: 'OPEN',
      brokerId: 'BRK-301',
      memberIds: [BUYER, 'sub-kim'],
    });
    expect(outcome.kind === 'ASSIGNED' && outcome.conversation.status).toBe('OPEN');
    expect(appSync.calls('UpdateConversation')[0]!.variables.condition).toEqual({
      and: [{ status: { eq: 'WAITING_FOR_BROKER' } }, { updatedAt: { eq: '2026-03-14T02:00:00.000Z' } }],
    });
  });

  it('creates the broker’s member row and gives every member row the new member list', async () => {
    waitingInquiry();

    await assign(KIM);

    const rows = Object.fromEntries(appSync.membersOf('conv-1').map((m) => [m.userId, m]));
    expect(rows['sub-kim']).toMatchObject({
      role: 'BROKER',
      unreadCount: 0,
      memberIds: [BUYER, 'sub-kim'],
      lastMessageAt: '2026-03-14T02:00:00.000Z',
    });
    expect(rows[BUYER]!.memberIds).toEqual([BUYER, 'sub-kim']);
  });

  it('shares the buyer’s earlier messages with the broker', async () => {
    waitingInquiry();

    await assign(KIM);

    for (const message of appSync.messagesOf('conv-1')) expect(message.memberIds).toContain('sub-kim');
    // The buyer's three, and the joined message, which was announced to the buyer only.
    expect(appSync.calls('UpdateMessage')).toHaveLength(4);
  });

  it('posts one notifying SYSTEM message naming the office and the broker', async () => {
    waitingInquiry();

    await assign(KIM);

    const [joined] = systemMessages();
    expect(systemMessages()).toHaveLength(1);
    expect(joined).toMatchObject({
      body: '래미안공인중개사 김민수 중개사님이 대화에 참여했습니다.',
      notify: true,
      memberIds: [BUYER, 'sub-kim'],
      clientMessageId: systemClientMessageId(brokerAssignedKey('conv-1', 'BRK-301')),
    });
    // Created for the buyer alone, so only the buyer gets its push and unread count; the broker
    // reads it once the history is shared.
    const [created] = appSync.calls('CreateMessage');
    expect((created!.variables.input as { memberIds: string[] }).memberIds).toEqual([BUYER]);
  });

  it('creates one BROKER_ASSIGNED notification for the broker that names the complex, not the buyer', async () => {
    waitingInquiry();

    await assign(KIM);

    const notification = appSync.notifications.get(notificationId('broker-assigned:conv-1:BRK-301'));
    expect(notification).toMatchObject({
      userId: 'sub-kim',
      type: 'BROKER_ASSIGNED',
      title: '새 매물 문의가 배정되었습니다',
      body: '은마아파트 매물 문의가 배정되었습니다. 대화방에서 확인해주세요.',
      deepLink: 'bootalk://chat/conv-1',
      subjectId: 'conv-1',
      createdAt: NOW.toISOString(),
    });
    expect(JSON.stringify(notification)).not.toContain(BUYER);
  });

  it('answers ALREADY_MEMBER to a second call and writes nothing new', async () => {
    waitingInquiry();
    await assign(KIM);
    const messages = appSync.messages.size;
    const writes = appSync.log.filter((call) => /^(Create|Update)/.test(call.operation)).length;

    const second = await assign(KIM);

    expect(second.kind).toBe('ALREADY_MEMBER');
    expect(appSync.messages.size).toBe(messages);
    expect(appSync.notifications.size).toBe(1);
    expect(appSync.log.filter((call) => /^(Create|Update)/.test(call.operation)).length).toBe(writes);
  });

  it('answers NOT_WAITING when another broker was assigned between the read and the update', async () => {
    waitingInquiry();
    appSync.beforeUpdateConversation = () => {
      const row = appSync.conversations.get('conv-1')!;
      appSync.conversations.set('conv-1', {
        ...row,
        status: 'OPEN',
        brokerId: 'BRK-302',
        memberIds: [BUYER, 'sub-lee'],
      });
    };

    const outcome = await assign(KIM);

    expect(outcome).toMatchObject({ kind: 'NOT_WAITING', conversation: { brokerId: 'BRK-302' } });
    expect(appSync.conversations.get('conv-1')!.memberIds).toEqual([BUYER, 'sub-lee']);
    expect(systemMessages()).toHaveLength(0);
    expect(appSync.notifications.size).toBe(0);
  });

  it('answers ALREADY_MEMBER when a concurrent run assigned the same broker first', async () => {
    waitingInquiry();
    appSync.beforeUpdateConversation = () => {
      const row = appSync.conversations.get('conv-1')!;
      appSync.conversations.set('conv-1', {
        ...row,
        status: 'OPEN',
        brokerId: 'BRK-301',
        memberIds: [BUYER, 'sub-kim'],
      });
    };

    const outcome = await assign(KIM);

    expect(outcome.kind).toBe('ALREADY_MEMBER');
    // The other run may have died after its update: this one finishes the assignment.
    expect(
      appSync
        .membersOf('conv-1')
        .map((m) => m.userId)
        .sort(),
    ).toEqual([BUYER, 'sub-kim'].sort());
    expect(systemMessages()).toHaveLength(1);
  });

  it('does not claim a conversation that is already open', async () => {
    waitingInquiry();
    appSync.addConversation(inquiry({ status: 'OPEN', brokerId: 'BRK-302', memberIds: [BUYER, 'sub-lee'] }));

    expect((await assign(KIM)).kind).toBe('NOT_WAITING');
    expect(appSync.calls('UpdateConversation')).toHaveLength(0);
  });

  it('refuses a closed conversation and reports a missing one', async () => {
    appSync.addConversation(inquiry({ status: 'CLOSED' }));
    expect((await assign(KIM)).kind).toBe('CONVERSATION_CLOSED');

    appSync.conversations.clear();
    expect(await assign(KIM)).toEqual({ kind: 'CONVERSATION_NOT_FOUND' });
    expect(appSync.calls('UpdateConversation')).toHaveLength(0);
  });

  it('completes an assignment that failed half way when the record is retried', async () => {
    waitingInquiry();
    appSync.failures.set(
      'CreateMember',
      new AppSyncUnavailableError('AppSync CreateMember answered HTTP 503', 503),
    );

    await expect(assign(KIM)).rejects.toThrow(AppSyncUnavailableError);
    expect(appSync.conversations.get('conv-1')!.status).toBe('OPEN');
    appSync.failures.clear();

    const retried = await assign(KIM);

    expect(retried.kind).toBe('ALREADY_MEMBER');
    expect(appSync.membersOf('conv-1').find((m) => m.userId === 'sub-kim')).toMatchObject({ role: 'BROKER' });
    for (const message of appSync.messagesOf('conv-1')) expect(message.memberIds).toContain('sub-kim');
    expect(systemMessages()).toHaveLength(1);
    expect(appSync.notifications.size).toBe(1);
  });

  it('shares a long history page by page', async () => {
    appSync.addConversation(inquiry());
    appSync.addMember('conv-1', BUYER, 'BUYER', [BUYER]);
    for (let index = 0; index < 7; index++) appSync.addMessage('conv-1', index, [BUYER]);
    appSync.pageSize = 3;

    await assign(KIM);

    const pages = appSync.calls('ListMessagesByConversation');
    expect(pages.map((call) => call.variables.nextToken ?? null)).toEqual([null, '3', '6']);
    // Seven written by the buyer, plus the joined message (announced to the buyer only).
    expect(appSync.calls('UpdateMessage')).toHaveLength(8);
    expect(appSync.messagesOf('conv-1').every((m) => m.memberIds.includes('sub-kim'))).toBe(true);
  });
});

describe('assignBroker (LEGACY_ASSIGNED)', () => {
  it('adds the broker to an open conversation and keeps the broker it already names', async () => {
    appSync.addConversation(inquiry({ status: 'OPEN', brokerId: 'BRK-301', memberIds: [BUYER, 'sub-kim'] }));
    appSync.addMember('conv-1', BUYER, 'BUYER', [BUYER, 'sub-kim']);
    appSync.addMember('conv-1', 'sub-kim', 'BROKER', [BUYER, 'sub-kim']);

    const outcome = await assign(LEE, 'LEGACY_ASSIGNED');

    expect(outcome.kind).toBe('ASSIGNED');
    expect(appSync.conversations.get('conv-1')).toMatchObject({
      status: 'OPEN',
      brokerId: 'BRK-301',
      memberIds: [BUYER, 'sub-kim', 'sub-lee'],
    });
    expect(appSync.calls('UpdateConversation')[0]!.variables.condition).toEqual({
      and: [{ status: { ne: 'CLOSED' } }, { updatedAt: { eq: '2026-03-14T02:00:00.000Z' } }],
    });
    expect(systemMessages()[0]!.body).toBe('이지은 중개사님이 대화에 참여했습니다.');
  });

  it('sets brokerId and opens a waiting conversation', async () => {
    waitingInquiry();

    expect((await assign(LEE, 'LEGACY_ASSIGNED')).kind).toBe('ASSIGNED');
    expect(appSync.conversations.get('conv-1')).toMatchObject({ status: 'OPEN', brokerId: 'BRK-302' });
  });

  it('says nothing when the broker was in the conversation from the start', async () => {
    appSync.addConversation(inquiry({ status: 'OPEN', brokerId: 'BRK-301', memberIds: [BUYER, 'sub-kim'] }));
    appSync.addMember('conv-1', BUYER, 'BUYER', [BUYER, 'sub-kim']);
    appSync.addMember('conv-1', 'sub-kim', 'BROKER', [BUYER, 'sub-kim']);

    expect((await assign(KIM, 'LEGACY_ASSIGNED')).kind).toBe('ALREADY_MEMBER');
    expect(systemMessages()).toHaveLength(0);
    expect(appSync.notifications.size).toBe(0);
  });

  it('refuses a closed conversation, even when it closes during the assignment', async () => {
    waitingInquiry();
    appSync.beforeUpdateConversation = () => {
      appSync.conversations.set('conv-1', { ...appSync.conversations.get('conv-1')!, status: 'CLOSED' });
    };

    expect((await assign(LEE, 'LEGACY_ASSIGNED')).kind).toBe('CONVERSATION_CLOSED');
    expect(appSync.conversations.get('conv-1')!.memberIds).toEqual([BUYER]);
  });
});

describe('assignment texts', () => {
  it('leaves the office out when the broker has none', () => {
    expect(brokerJoinedText({ name: '이지은', officeName: '  ' })).toBe(
      '이지은 중개사님이 대화에 참여했습니다.',
    );
  });

  it('names no complex when none is known', () => {
    expect(brokerAssignedBody(undefined)).toBe('매물 문의가 배정되었습니다. 대화방에서 확인해주세요.');
  });
});

describe('assignBroker: concurrent membership changes', () => {
  const STAFF = 'sub-staff';

  /** An open inquiry with a staff member, as a support hand-off leaves it. */
  function openWithStaff() {
    appSync.addConversation(inquiry({ status: 'OPEN', memberIds: [BUYER, STAFF] }));
    appSync.addMember('conv-1', BUYER, 'BUYER', [BUYER, STAFF]);
    appSync.addMember('conv-1', STAFF, 'STAFF', [BUYER, STAFF]);
    appSync.addMessage('conv-1', 0, [BUYER, STAFF]);
  }

  /** What an account deletion writes for `userId` (user-delete-cascade): out of one row's memberIds. */
  function removeFrom<R extends { memberIds: string[]; updatedAt?: string }>(row: R, userId: string) {
    row.memberIds = row.memberIds.filter((id) => id !== userId);
    row.updatedAt = appSync.nextUpdatedAt();
  }

  it('keeps both brokers when two assignments read the same conversation and write one after the other', async () => {
    openWithStaff();

    // Both read memberIds before either writes: the second write must not replace the first.
    const outcomes = await Promise.all([assign(KIM, 'LEGACY_ASSIGNED'), assign(LEE, 'LEGACY_ASSIGNED')]);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['ASSIGNED', 'ASSIGNED']);
    expect(appSync.conversations.get('conv-1')!.memberIds.sort()).toEqual(
      [BUYER, STAFF, 'sub-kim', 'sub-lee'].sort(),
    );
    for (const row of appSync.membersOf('conv-1')) {
      expect(row.memberIds.sort(), row.userId).toEqual([BUYER, STAFF, 'sub-kim', 'sub-lee'].sort());
    }
    for (const message of appSync.messagesOf('conv-1').filter((m) => m.kind !== 'SYSTEM')) {
      expect(message.memberIds).toEqual(expect.arrayContaining(['sub-kim', 'sub-lee']));
    }
    // The loser's first write failed on its condition and was written again from a fresh read.
    expect(appSync.calls('UpdateConversation')).toHaveLength(3);
  });

  it('keeps a member removal written between its read of the conversation and its update', async () => {
    openWithStaff();
    appSync.beforeUpdateConversation = () => removeFrom(appSync.conversations.get('conv-1')!, STAFF);

    expect((await assign(KIM, 'LEGACY_ASSIGNED')).kind).toBe('ASSIGNED');

    expect(appSync.conversations.get('conv-1')!.memberIds).toEqual([BUYER, 'sub-kim']);
    expect(appSync.membersOf('conv-1').find((m) => m.userId === 'sub-kim')!.memberIds).toEqual([
      BUYER,
      'sub-kim',
    ]);
  });

  it('keeps a member removal written to a member row or a message while the broker is added to it', async () => {
    openWithStaff();
    let memberRace = true;
    appSync.beforeWrite.set('UpdateMember', (variables) => {
      const input = variables.input as { userId: string };
      if (!memberRace || input.userId !== BUYER) return;
      memberRace = false;
      removeFrom(appSync.members.get(`conv-1|${BUYER}`)!, STAFF);
    });
    let messageRace = true;
    appSync.beforeWrite.set('UpdateMessage', (variables) => {
      const id = (variables.input as { id: string }).id;
      if (!messageRace || !appSync.messages.get(id)!.memberIds.includes(STAFF)) return;
      messageRace = false;
      removeFrom(appSync.messages.get(id)!, STAFF);
    });

    expect((await assign(KIM, 'LEGACY_ASSIGNED')).kind).toBe('ASSIGNED');

    expect(memberRace || messageRace).toBe(false);
    expect(appSync.members.get(`conv-1|${BUYER}`)!.memberIds).toEqual([BUYER, 'sub-kim']);
    expect(appSync.messagesOf('conv-1')[0]!.memberIds).toEqual([BUYER, 'sub-kim']);
  });

  it('gives up after a bounded number of attempts when the conversation never stops changing, so the record is retried', async () => {
    openWithStaff();
    appSync.beforeWrite.set('UpdateConversation', () => {
      appSync.conversations.get('conv-1')!.updatedAt = appSync.nextUpdatedAt();
    });

    await expect(assign(KIM, 'LEGACY_ASSIGNED')).rejects.toThrow(/kept changing/);
    expect(appSync.calls('UpdateConversation')).toHaveLength(6);
    expect(appSync.conversations.get('conv-1')!.memberIds).toEqual([BUYER, STAFF]);
  });
});
