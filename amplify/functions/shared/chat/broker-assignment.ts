import { unlessConditionFailed } from '../appsync-client';
import { type DataClient, dataClient, dataOf, graphqlOf, pageOf } from '../data-client';
import { logger } from '../logger';
import {
  createNotificationOnce,
  expiresAfterDays,
  type NewNotification,
  notificationId,
} from '../notifications/notification-create';
import {
  ConcurrentUpdateError,
  OPTIMISTIC_UPDATE_ATTEMPTS,
  unchangedSince,
  updateOptimistically,
} from '../optimistic-update';
import { UPDATE_CONVERSATION, UPDATE_MEMBER, UPDATE_MESSAGE } from './chat-documents';
import { conversationMembers } from './chat-members';
import type { ConversationMemberRow, MessageRow } from './chat-message';
import { chatDeepLink } from './chat-push';
import type { ConversationRow } from './conversation';
import type { MessageItem } from './send-message';
import { postSystemMessage } from './system-message';

/**
 * Puts a broker (중개사) into a conversation: broker-matching when it picked one (MATCHED), the
 * legacy webhook when the broker CRM assigned one (LEGACY_ASSIGNED). Every write goes through
 * AppSync so members see it live, and every step is safe to repeat: a retried record or webhook
 * completes an assignment a crash left half done.
 */

export interface BrokerForAssignment {
  /** The legacy broker id (BrokerProfile.id), stored as Conversation.brokerId. */
  id: string;
  /** The broker's Cognito sub: what memberIds hold. */
  userId: string;
  name: string;
  officeName?: string | null;
}

export type AssignmentMode = 'MATCHED' | 'LEGACY_ASSIGNED';

export type AssignmentOutcome =
  | { kind: 'ASSIGNED'; conversation: ConversationRow }
  | { kind: 'ALREADY_MEMBER'; conversation: ConversationRow }
  | { kind: 'NOT_WAITING'; conversation: ConversationRow } // MATCHED only: assigned by someone else first
  | { kind: 'CONVERSATION_NOT_FOUND' }
  | { kind: 'CONVERSATION_CLOSED'; conversation: ConversationRow };

export interface AssignmentDeps {
  /** The typed data client every chat read and write goes through; defaults to the function's. */
  data?: () => Promise<DataClient>;
  now?: () => Date;
  /** The backoff between conditional attempts (optimistic-update.ts); tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
}

export const BROKER_ASSIGNED_TITLE = '새 매물 문의가 배정되었습니다'; // "a new listing inquiry was assigned to you"
/** How long the broker's inbox keeps the assignment notification. */
export const BROKER_ASSIGNED_RETENTION_DAYS = 30;

/** The SYSTEM message the buyer is notified by. */
export function brokerJoinedText(broker: Pick<BrokerForAssignment, 'name' | 'officeName'>): string {
  const office = broker.officeName?.trim();
  return `${office ? `${office} ` : ''}${broker.name} 중개사님이 대화에 참여했습니다.`;
}

/** The fact the joined message reports; the same assignment posted again is the same message. */
export function brokerAssignedKey(conversationId: string, brokerId: string): string {
  return `broker-assigned:${conversationId}:${brokerId}`;
}

/** The broker's notification body: what the inquiry is about, never who the buyer is. */
export function brokerAssignedBody(subject: { complexName?: string | null } | undefined): string {
  const name = subject?.complexName?.trim();
  return name
    ? `${name} 매물 문의가 배정되었습니다. 대화방에서 확인해주세요.`
    : '매물 문의가 배정되었습니다. 대화방에서 확인해주세요.';
}

type MessageMembers = Pick<MessageRow, 'id' | 'memberIds'> & { updatedAt?: string | null };
const MESSAGE_MEMBERS = ['id', 'memberIds', 'updatedAt'] as const;

/**
 * The reads and writes of an assignment, chat rows and the broker's notification, through the
 * typed client (`data`). Writes conditional on the row as read are documents.
 */
export function assignmentStore(data: () => Promise<DataClient>) {
  const models = async () => (await data()).models;
  /** undefined when the condition failed: the row changed (or went) since it was read. */
  async function updateIf<T>(
    operation: string,
    mutation: string,
    input: Record<string, unknown>,
    condition: object,
  ): Promise<T | undefined> {
    const written = await unlessConditionFailed(
      graphqlOf<Record<string, T>>(await data(), operation, mutation, { input, condition }),
    );
    return written && Object.values(written)[0];
  }
  return {
    async conversation(id: string): Promise<ConversationRow | undefined> {
      const row = await dataOf('GetConversation', (await models()).Conversation.get({ id }));
      return (row as ConversationRow | null) ?? undefined;
    },

    /** undefined when the condition failed: the row changed since it was read. */
    updateConversation(
      input: Pick<ConversationRow, 'id'> &
        Partial<Pick<ConversationRow, 'brokerId' | 'memberIds' | 'status'>>,
      condition: Record<string, unknown>,
    ): Promise<ConversationRow | undefined> {
      return updateIf<ConversationRow>('UpdateConversation', UPDATE_CONVERSATION, input, condition);
    },

    async member(conversationId: string, userId: string): Promise<ConversationMemberRow | undefined> {
      const row = await dataOf(
        'GetMember',
        (await models()).ConversationMember.get({ conversationId, userId }),
      );
      return (row as ConversationMemberRow | null) ?? undefined;
    },

    async members(conversationId: string): Promise<ConversationMemberRow[]> {
      return conversationMembers(await data(), conversationId);
    },

    /** undefined when the member row exists already (a model create refuses an existing key). */
    async createMember(input: Omit<ConversationMemberRow, 'lastReadAt' | 'lastReadMessageId'>) {
      const row = await unlessConditionFailed(
        dataOf('CreateMember', (await models()).ConversationMember.create(input)),
      );
      return (row as ConversationMemberRow | null) ?? undefined;
    },

    /** undefined when the member row changed (or went) since `read`. */
    updateMemberIds(read: ConversationMemberRow, memberIds: readonly string[]) {
      const { conversationId, userId } = read;
      return updateIf<ConversationMemberRow>(
        'UpdateMember',
        UPDATE_MEMBER,
        { conversationId, userId, memberIds },
        unchangedSince(read),
      );
    },

    /** Every message of the conversation (id, readers and version only), page by page. */
    async *messagePages(conversationId: string): AsyncGenerator<MessageMembers[]> {
      const model = (await models()).Message;
      let nextToken: string | undefined;
      do {
        const page = await pageOf(
          'ListMessagesByConversation',
          model.listMessagesByConversation(
            { conversationId },
            { limit: 100, nextToken, selectionSet: MESSAGE_MEMBERS },
          ),
        );
        yield page.items as MessageMembers[];
        nextToken = page.nextToken;
      } while (nextToken);
    },

    async messageMembers(id: string): Promise<MessageMembers | undefined> {
      const row = await dataOf(
        'GetMessage',
        (await models()).Message.get({ id }, { selectionSet: MESSAGE_MEMBERS }),
      );
      return (row as MessageMembers | null) ?? undefined;
    },

    /** undefined when the message changed (or went) since `read`. */
    updateMessageMemberIds(read: MessageMembers, memberIds: readonly string[]) {
      return updateIf<MessageRow>(
        'UpdateMessage',
        UPDATE_MESSAGE,
        { id: read.id, memberIds },
        unchangedSince(read),
      );
    },

    /** For postSystemMessage: a Message keeps its createdAt (its sort key); undefined when it exists. */
    async createMessage(item: MessageItem): Promise<MessageRow | undefined> {
      const { __typename: _typename, updatedAt: _updatedAt, ...input } = item;
      const row = await unlessConditionFailed(
        dataOf('CreateMessage', (await models()).Message.create(input)),
      );
      return (row as MessageRow | null) ?? undefined;
    },

    /** The broker's inbox row, once: its stream (notification-fanout) sends the push. */
    async createNotification(notification: NewNotification) {
      return createNotificationOnce(await data(), notification);
    },

    /** The complex the inquiry is about, by name, from the Listing row or else the Complex row. */
    async complexName(
      conversation: Pick<ConversationRow, 'listingId' | 'complexId'>,
    ): Promise<string | undefined> {
      if (conversation.listingId) {
        const listing = await dataOf(
          'GetListing',
          (await models()).Listing.get(
            { id: conversation.listingId },
            { selectionSet: ['id', 'complexId', 'complexName'] },
          ),
        );
        if (listing?.complexName) return listing.complexName;
        const complexId = conversation.complexId ?? listing?.complexId;
        if (complexId) return (await complexNameById(complexId)) ?? undefined;
        return undefined;
      }
      return conversation.complexId
        ? ((await complexNameById(conversation.complexId)) ?? undefined)
        : undefined;
    },
  };

  async function complexNameById(id: string): Promise<string | null | undefined> {
    const complex = await dataOf(
      'GetComplex',
      (await models()).Complex.get({ id }, { selectionSet: ['id', 'name'] }),
    );
    return complex?.name;
  }
}

export type AssignmentStore = ReturnType<typeof assignmentStore>;

/**
 * MATCHED: claims a WAITING_FOR_BROKER conversation with a conditional update, so of two
 * concurrent matches (or a match and the CRM) only one wins. LEGACY_ASSIGNED: the CRM's word is
 * final, so the broker joins whatever the status, except a CLOSED conversation.
 */
export async function assignBroker(
  input: { conversationId: string; broker: BrokerForAssignment; mode: AssignmentMode },
  deps: AssignmentDeps = {},
): Promise<AssignmentOutcome> {
  const store = assignmentStore(deps.data ?? dataClient);
  const now = (deps.now ?? (() => new Date()))();
  const { conversationId, broker, mode } = input;
  const log = { conversationId, brokerId: broker.id, mode };

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  // The claim is conditional on the status and on the row being as read (optimistic-update.ts):
  // memberIds is rewritten from the read, so a concurrent membership change (another assignment,
  // an account deletion's removal) makes the claim fail and read again rather than undo it.
  for (let attempt = 0; attempt < OPTIMISTIC_UPDATE_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(Math.random() * Math.min(1_000, 25 * 2 ** attempt));
    const current = await store.conversation(conversationId);
    if (!current) return { kind: 'CONVERSATION_NOT_FOUND' };
    if (current.status === 'CLOSED') return { kind: 'CONVERSATION_CLOSED', conversation: current };

    if (current.memberIds.includes(broker.userId)) {
      await completeAssignment(store, current, broker, now, { announce: 'ifHalfDone' });
      return { kind: 'ALREADY_MEMBER', conversation: current };
    }
    if (mode === 'MATCHED' && current.status !== 'WAITING_FOR_BROKER') {
      if (attempt > 0) logger.info('Broker assignment lost a race', log);
      return { kind: 'NOT_WAITING', conversation: current };
    }

    const claimed = await store.updateConversation(
      {
        id: conversationId,
        brokerId: mode === 'LEGACY_ASSIGNED' ? (current.brokerId ?? broker.id) : broker.id,
        memberIds: [...current.memberIds, broker.userId],
        status: 'OPEN',
      },
      {
        and: [
          mode === 'MATCHED' ? { status: { eq: 'WAITING_FOR_BROKER' } } : { status: { ne: 'CLOSED' } },
          unchangedSince(current),
        ],
      },
    );
    if (claimed) {
      await completeAssignment(store, claimed, broker, now, { announce: 'always' });
      logger.info('Broker assigned', log);
      return { kind: 'ASSIGNED', conversation: claimed };
    }
    logger.debug('Conversation changed since it was read; reading it again', { ...log, attempt });
  }
  throw new ConcurrentUpdateError(`conversation ${conversationId}`, OPTIMISTIC_UPDATE_ATTEMPTS);
}

/**
 * What follows the conversation update. The announcement comes before the broker's member row:
 * a broker already in memberIds without a member row is an assignment a crash interrupted (so
 * announce it, once by its key), while one with a row was there from the start (say nothing).
 */
async function completeAssignment(
  store: AssignmentStore,
  conversation: ConversationRow,
  broker: BrokerForAssignment,
  now: Date,
  options: { announce: 'always' | 'ifHalfDone' },
): Promise<void> {
  const members = await store.members(conversation.id);
  const brokerRow = members.find((member) => member.userId === broker.userId);
  if (options.announce === 'always' || !brokerRow) await announce(store, conversation, broker, now);

  if (!brokerRow) {
    const created = await store.createMember({
      conversationId: conversation.id,
      userId: broker.userId,
      memberIds: [...conversation.memberIds],
      role: 'BROKER',
      unreadCount: 0,
      muted: false,
      lastMessageAt: conversation.lastMessageAt ?? now.toISOString(),
      ...(conversation.lastMessagePreview ? { lastMessagePreview: conversation.lastMessagePreview } : {}),
    });
    if (!created) logger.debug('Broker member row existed already', { conversationId: conversation.id });
    // Copied from the claim: a membership change since then must reach the new row too.
    await matchConversationMembers(store, conversation.id, broker.userId);
  }
  // The others' rows gain the broker, each its own conditional read-modify-write: a copy of the
  // conversation's list would undo a removal written to the row meanwhile.
  for (const member of members) {
    if (member.userId === broker.userId) continue;
    await addReader(
      `member ${conversation.id}/${member.userId}`,
      member,
      () => store.member(conversation.id, member.userId),
      (row, memberIds) => store.updateMemberIds(row, memberIds),
      broker.userId,
    );
  }
  await shareHistory(store, conversation.id, broker.userId);
}

/** The row's memberIds with `userId` added, conditional on the row as read, retried on a change. */
async function addReader<R extends { memberIds?: readonly string[] | null; updatedAt?: string | null }>(
  what: string,
  initial: R,
  read: () => Promise<R | undefined>,
  write: (row: R, memberIds: readonly string[]) => Promise<unknown>,
  userId: string,
): Promise<boolean> {
  const outcome = await updateOptimistically({
    what,
    initial,
    read,
    plan: (row) => (row.memberIds?.includes(userId) ? undefined : [...(row.memberIds ?? []), userId]),
    write: (memberIds, row) => write(row, memberIds),
  });
  return outcome.kind === 'written';
}

/**
 * The broker's new row lists the conversation's members as they are now. The row is read before
 * the conversation: a removal written to the conversation after that read is written to the row
 * after it too, which fails this conditional write (or follows it).
 */
async function matchConversationMembers(
  store: AssignmentStore,
  conversationId: string,
  brokerUserId: string,
): Promise<void> {
  await updateOptimistically({
    what: `member ${conversationId}/${brokerUserId}`,
    read: async () => {
      const row = await store.member(conversationId, brokerUserId);
      const conversation = row && (await store.conversation(conversationId));
      return row && conversation ? { row, memberIds: conversation.memberIds } : undefined;
    },
    plan: ({ row, memberIds }) => (sameMembers(row.memberIds, memberIds) ? undefined : memberIds),
    write: (memberIds, { row }) => store.updateMemberIds(row, memberIds),
  });
}

async function announce(
  store: AssignmentStore,
  conversation: ConversationRow,
  broker: BrokerForAssignment,
  now: Date,
): Promise<void> {
  await postSystemMessage(
    {
      conversationId: conversation.id,
      // Announced to the others (a push and an unread count for them); the broker reads it once
      // the history is shared with them, which happens after.
      memberIds: conversation.memberIds.filter((id) => id !== broker.userId),
      body: brokerJoinedText(broker),
      key: brokerAssignedKey(conversation.id, broker.id),
      notify: true,
    },
    now,
    store,
  );
  const complexName = await store.complexName(conversation);
  const result = await store.createNotification({
    id: notificationId(brokerAssignedKey(conversation.id, broker.id)),
    userId: broker.userId,
    type: 'BROKER_ASSIGNED',
    title: BROKER_ASSIGNED_TITLE,
    body: brokerAssignedBody({ complexName }),
    deepLink: chatDeepLink(conversation.id),
    subjectId: conversation.id,
    createdAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, BROKER_ASSIGNED_RETENTION_DAYS),
  });
  logger.debug('Broker assignment notification', { conversationId: conversation.id, result });
}

/** Adds the broker to every earlier message's readers, so they read what the buyer already wrote. */
async function shareHistory(
  store: AssignmentStore,
  conversationId: string,
  brokerUserId: string,
): Promise<number> {
  let shared = 0;
  for await (const page of store.messagePages(conversationId)) {
    for (const message of page) {
      if (message.memberIds.includes(brokerUserId)) continue;
      const added = await addReader(
        `message ${message.id}`,
        message,
        () => store.messageMembers(message.id),
        (row, memberIds) => store.updateMessageMemberIds(row, memberIds),
        brokerUserId,
      );
      if (added) shared++;
    }
  }
  return shared;
}

function sameMembers(a: readonly string[] | null | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
