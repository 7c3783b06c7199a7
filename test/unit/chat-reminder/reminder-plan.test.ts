import { describe, expect, it } from 'vitest';
import {
  hasOverdueUnread,
  kstDay,
  REMINDER_RETENTION_DAYS,
  REMINDER_TITLE,
  type ReminderMember,
  reminderBody,
  reminderDecision,
  reminderNotification,
  reminderNotificationId,
} from '../../../amplify/functions/chat-reminder/reminder-plan';
import type { RecountedMessage } from '../../../amplify/functions/shared/chat/unread';

/** 19:00 KST on 2026-03-14. */
const NOW = new Date('2026-03-14T10:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const hoursAgo = (hours: number, now = NOW) => new Date(now.getTime() - hours * HOUR).toISOString();

const BUYER = 'buyer-6b0e';
const BROKER = 'broker-301';

function member(overrides: Partial<ReminderMember> = {}): ReminderMember {
  return {
    conversationId: 'conv-1',
    userId: BUYER,
    unreadCount: 3,
    lastReadAt: hoursAgo(30),
    muted: false,
    ...overrides,
  };
}

function message(createdAt: string, overrides: Partial<RecountedMessage> = {}): RecountedMessage {
  return {
    id: `msg-${createdAt}`,
    createdAt,
    senderId: BROKER,
    memberIds: [BUYER, BROKER],
    kind: 'TEXT',
    ...overrides,
  };
}

describe('kstDay', () => {
  it('is the calendar day in Korea, which starts at 15:00 UTC the day before', () => {
    expect(kstDay(new Date('2026-03-14T14:59:59.999Z'))).toBe('2026-03-14');
    expect(kstDay(new Date('2026-03-14T15:00:00.000Z'))).toBe('2026-03-15');
    expect(kstDay(new Date('2026-12-31T15:00:00.000Z'))).toBe('2027-01-01');
  });
});

describe('reminderDecision', () => {
  it('skips a membership with nothing unread, or a count below zero', () => {
    expect(reminderDecision(member({ unreadCount: 0 }), NOW, 24)).toEqual({
      kind: 'skip',
      reason: 'nothing-unread',
    });
    expect(reminderDecision(member({ unreadCount: -1 }), NOW, 24)).toEqual({
      kind: 'skip',
      reason: 'nothing-unread',
    });
  });

  it('skips a conversation muted for good, or until a time still to come', () => {
    expect(reminderDecision(member({ muted: true }), NOW, 24)).toEqual({ kind: 'skip', reason: 'muted' });
    expect(reminderDecision(member({ muted: true, mutedUntil: hoursAgo(-1) }), NOW, 24)).toEqual({
      kind: 'skip',
      reason: 'muted',
    });
  });

  it('reminds once a mute has run out, and ignores a mutedUntil without muted', () => {
    expect(reminderDecision(member({ muted: true, mutedUntil: hoursAgo(1) }), NOW, 24).kind).toBe('check');
    expect(reminderDecision(member({ muted: false, mutedUntil: hoursAgo(-5) }), NOW, 24).kind).toBe('check');
    expect(reminderDecision(member({ muted: null }), NOW, 24).kind).toBe('check');
  });

  it('skips a member who read the conversation within the N hours: nothing unread is that old', () => {
    expect(reminderDecision(member({ lastReadAt: hoursAgo(23.99) }), NOW, 24)).toEqual({
      kind: 'skip',
      reason: 'read-recently',
    });
    // Read exactly N hours ago: what is unread came later, so it is younger than N hours.
    expect(reminderDecision(member({ lastReadAt: hoursAgo(24) }), NOW, 24)).toEqual({
      kind: 'skip',
      reason: 'read-recently',
    });
  });

  it('asks the messages about everything sent after the last read, up to N hours ago', () => {
    expect(reminderDecision(member({ lastReadAt: '2026-03-13T09:59:59Z' }), NOW, 24)).toEqual({
      kind: 'check',
      after: '2026-03-13T09:59:59.000Z',
      cutoff: '2026-03-13T10:00:00.000Z',
    });
    expect(reminderDecision(member({ lastReadAt: null }), NOW, 6)).toEqual({
      kind: 'check',
      cutoff: hoursAgo(6),
    });
  });
});

describe('hasOverdueUnread', () => {
  const check = { after: hoursAgo(30), cutoff: hoursAgo(24) };

  it('is due when a message from someone else was sent at least N hours ago', () => {
    expect(hasOverdueUnread([message(hoursAgo(24))], BUYER, check)).toBe(true);
    expect(hasOverdueUnread([message(hoursAgo(29))], BUYER, check)).toBe(true);
  });

  it('is not due for a message younger than N hours, or for the last read message itself', () => {
    expect(
      hasOverdueUnread([message(new Date(NOW.getTime() - 24 * HOUR + 1).toISOString())], BUYER, check),
    ).toBe(false);
    expect(hasOverdueUnread([message(hoursAgo(30))], BUYER, check)).toBe(false);
  });

  it('does not count the member’s own messages, silent system messages, deleted ones or ones sent before they joined', () => {
    const overdue = hoursAgo(25);
    expect(hasOverdueUnread([message(overdue, { senderId: BUYER })], BUYER, check)).toBe(false);
    expect(hasOverdueUnread([message(overdue, { kind: 'SYSTEM' })], BUYER, check)).toBe(false);
    expect(hasOverdueUnread([message(overdue, { deletedAt: hoursAgo(1) })], BUYER, check)).toBe(false);
    expect(hasOverdueUnread([message(overdue, { memberIds: [BROKER] })], BUYER, check)).toBe(false);
    expect(hasOverdueUnread([message(overdue, { kind: 'SYSTEM', notify: true })], BUYER, check)).toBe(true);
  });

  it('takes every message before the cutoff when the member never read the conversation', () => {
    expect(hasOverdueUnread([message('2020-01-01T00:00:00.000Z')], BUYER, { cutoff: hoursAgo(24) })).toBe(
      true,
    );
  });
});

describe('reminderNotification', () => {
  it('is a CHAT_REMINDER in Korean that opens the conversation', () => {
    expect(reminderNotification(member({ unreadCount: 3 }), NOW)).toEqual({
      id: reminderNotificationId('conv-1', BUYER, '2026-03-14'),
      userId: BUYER,
      type: 'CHAT_REMINDER',
      title: REMINDER_TITLE,
      body: '읽지 않은 메시지가 3개 있어요',
      deepLink: 'bootalk://chat/conv-1',
      subjectId: 'conv-1',
      createdAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + REMINDER_RETENTION_DAYS * 86_400,
    });
  });

  it('shows a backlog over 999 as 999+', () => {
    expect(reminderBody(999)).toBe('읽지 않은 메시지가 999개 있어요');
    expect(reminderBody(1000)).toBe('읽지 않은 메시지가 999+개 있어요');
  });

  it('keeps one id for the whole Korean day and a new one from KST midnight', () => {
    const idAt = (iso: string) => reminderNotification(member(), new Date(iso)).id;
    // 00:00 and 23:59 KST on 2026-03-14.
    expect(idAt('2026-03-13T15:00:00.000Z')).toBe(idAt('2026-03-14T14:59:59.999Z'));
    // 23:59:59 and 00:00 KST: the same UTC date, different Korean days.
    expect(idAt('2026-03-14T14:59:59.999Z')).not.toBe(idAt('2026-03-14T15:00:00.000Z'));
  });

  it('gives each member and each conversation their own reminder', () => {
    const id = reminderNotification(member(), NOW).id;
    expect(reminderNotification(member({ userId: BROKER }), NOW).id).not.toBe(id);
    expect(reminderNotification(member({ conversationId: 'conv-2' }), NOW).id).not.toBe(id);
    expect(reminderNotification(member({ unreadCount: 7 }), NOW).id).toBe(id);
  });
});
