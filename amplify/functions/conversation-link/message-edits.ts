import type { ConversationMemberRow, MessageRow } from '../shared/chat/chat-message';
import type { MemberUpdate, MessageUpdate } from '../shared/chat/chat-store';
import { validateBody } from '../shared/chat/send-message';
import { accept, conversationNotFound, type Decision, refuse } from '../shared/decision';

/**
 * What a member may change after sending: edit or soft-delete their own message, and their own
 * membership's read position, presence and mute. Each plan gives the row after the change and the
 * `update` to write (its key plus the changed fields, `null` clearing one), or no `update` when
 * nothing would change, so a retried call writes nothing and fires no stream record.
 */

/** How long a presence heartbeat counts as "looking at the conversation"; the app beats every ~15 s. */
export const PRESENCE_TTL_MS = 30_000;

export interface MessageChange {
  message: MessageRow & { updatedAt?: string };
  update?: MessageUpdate;
}

export interface MemberChange {
  member: ConversationMemberRow & { updatedAt?: string };
  update?: MemberUpdate;
}

function messageNotFound() {
  return refuse('MESSAGE_NOT_FOUND', '메시지를 찾을 수 없습니다.', 'Message not found.');
}

function notYourMessage() {
  return refuse(
    'NOT_YOUR_MESSAGE',
    '내가 보낸 메시지만 수정하거나 삭제할 수 있습니다.',
    'Only the sender can edit or delete a message.',
  );
}

/** The sender changes the text (a TEXT body, or an IMAGE/LISTING_CARD caption, which may be cleared). */
export function planEdit(
  message: MessageRow | undefined,
  edit: { callerId: string; body: unknown; now: Date },
): Decision<MessageChange> {
  if (!message) return messageNotFound();
  if (message.senderId !== edit.callerId) return notYourMessage();
  if (message.kind === 'SYSTEM') {
    return refuse(
      'SYSTEM_MESSAGE_READ_ONLY',
      '시스템 메시지는 수정할 수 없습니다.',
      "SYSTEM messages can't be edited.",
    );
  }
  if (message.deletedAt) {
    return refuse(
      'MESSAGE_DELETED',
      '삭제된 메시지는 수정할 수 없습니다.',
      "A deleted message can't be edited.",
    );
  }
  const body = validateBody(edit.body, { required: message.kind === 'TEXT' });
  if (!body.ok) return body;
  if ((body.value ?? null) === (message.body ?? null)) return accept({ message });
  const at = edit.now.toISOString();
  const update: MessageUpdate = { id: message.id, body: body.value ?? null, editedAt: at };
  return accept({ message: { ...message, body: update.body, editedAt: at, updatedAt: at }, update });
}

/** The row stays (replies and read positions point at it); its content goes. Deleting again changes nothing. */
export function planSoftDelete(
  message: MessageRow | undefined,
  request: { callerId: string; now: Date },
): Decision<MessageChange> {
  if (!message) return messageNotFound();
  if (message.senderId !== request.callerId) return notYourMessage();
  if (message.deletedAt) return accept({ message });
  const at = request.now.toISOString();
  const update: MessageUpdate = { id: message.id, body: null, image: null, listing: null, deletedAt: at };
  return accept({
    message: { ...message, body: null, image: null, listing: null, deletedAt: at, updatedAt: at },
    update,
  });
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with a zone (AWSDateTime), in epoch ms; undefined when it isn't one. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function invalidTime(field: string) {
  return refuse(
    'INVALID_TIME',
    `${field} 값은 시간대가 있는 ISO 8601 시각이어야 합니다.`,
    `${field} must be an ISO 8601 instant with a zone, e.g. 2025-03-14T03:00:00Z.`,
  );
}

function memberKey(member: ConversationMemberRow) {
  return { conversationId: member.conversationId, userId: member.userId };
}

/**
 * Read up to a message (the handler passes its createdAt as `at`) or a time, never past now.
 * lastReadAt never moves backwards, so a late markRead from another device changes nothing;
 * unreadCount is reset by message-read-receipt when it sees lastReadAt advance.
 */
export function planMarkRead(
  member: ConversationMemberRow | undefined,
  request: { upTo: { messageId?: string | null; at?: string | null }; now: Date },
): Decision<MemberChange> {
  if (!member) return conversationNotFound();
  const { messageId, at } = request.upTo;
  if (messageId !== undefined && messageId !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(messageId)) {
    return refuse(
      'INVALID_MESSAGE_ID',
      '메시지 ID 형식이 올바르지 않습니다.',
      'messageId is not a valid id.',
    );
  }
  const nowMs = request.now.getTime();
  let readMs = nowMs;
  if (at !== undefined && at !== null) {
    const parsed = parseInstant(at);
    if (parsed === undefined) return invalidTime('upTo.at');
    readMs = Math.min(parsed, nowMs);
  }
  const current = member.lastReadAt ? Date.parse(member.lastReadAt) : Number.NaN;
  if (!Number.isNaN(current) && readMs <= current) return accept({ member });
  const lastReadAt = new Date(readMs).toISOString();
  // The message id describes the new position or nothing; an older one would contradict lastReadAt.
  const update: MemberUpdate = { ...memberKey(member), lastReadAt, lastReadMessageId: messageId ?? null };
  return accept({
    member: {
      ...member,
      lastReadAt,
      lastReadMessageId: update.lastReadMessageId,
      updatedAt: request.now.toISOString(),
    },
    update,
  });
}

/** The member is looking at the conversation: no pushes and no unread count for the next 30 s. */
export function planHeartbeat(member: ConversationMemberRow | undefined, now: Date): Decision<MemberChange> {
  if (!member) return conversationNotFound();
  const viewingUntil = new Date(now.getTime() + PRESENCE_TTL_MS).toISOString();
  return accept({
    member: { ...member, viewingUntil, updatedAt: now.toISOString() },
    update: { ...memberKey(member), viewingUntil },
  });
}

/** Mute for good (no `until`) or until a future time; unmuting clears the time. */
export function planMute(
  member: ConversationMemberRow | undefined,
  request: { muted: boolean; until?: string | null; now: Date },
): Decision<MemberChange> {
  if (!member) return conversationNotFound();
  let mutedUntil: string | null = null;
  if (request.until !== undefined && request.until !== null) {
    if (!request.muted) {
      return refuse(
        'MUTE_UNTIL_WITHOUT_MUTE',
        '알림을 켤 때는 종료 시각을 지정할 수 없습니다.',
        'until only applies when muting.',
      );
    }
    const untilMs = parseInstant(request.until);
    if (untilMs === undefined) return invalidTime('until');
    if (untilMs <= request.now.getTime()) {
      return refuse(
        'MUTE_UNTIL_IN_PAST',
        '알림 끄기 종료 시각은 미래여야 합니다.',
        'A mute must end in the future.',
      );
    }
    mutedUntil = new Date(untilMs).toISOString();
  }
  const sameUntil =
    (parseInstant(member.mutedUntil) ?? null) === (mutedUntil ? Date.parse(mutedUntil) : null);
  if ((member.muted ?? false) === request.muted && sameUntil) {
    return accept({ member });
  }
  return accept({
    member: { ...member, muted: request.muted, mutedUntil, updatedAt: request.now.toISOString() },
    update: { ...memberKey(member), muted: request.muted, mutedUntil },
  });
}
