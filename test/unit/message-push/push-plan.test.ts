import { describe, expect, it } from 'vitest';
import {
  FALLBACK_TITLE,
  messagePreview,
  planMessagePush,
} from '../../../amplify/functions/message-push/push-plan';
import type { ConversationMemberRow, MessageRow } from '../../../amplify/functions/shared/chat/chat-message';
import { BROKER, BUYER, member, message, minutesFromNow, NOW, STAFF } from '../../support/chat-fixtures';

const threeWay = { memberIds: [BUYER, BROKER, STAFF] };

function plan(
  overrides: {
    message?: Partial<MessageRow>;
    members?: ConversationMemberRow[];
    nickname?: string | null;
    badges?: Map<string, number>;
  } = {},
) {
  return planMessagePush({
    message: message({ ...threeWay, ...overrides.message }),
    members: overrides.members ?? [member(BUYER), member(BROKER), member(STAFF)],
    sender: { nickname: overrides.nickname === undefined ? '대치동새댁' : overrides.nickname },
    badges: overrides.badges ?? new Map(),
    now: NOW,
  });
}

const recipients = (pushes: { recipientId: string }[]) => pushes.map((push) => push.recipientId);

describe('who gets a push for a new message', () => {
  it('pushes to every member but the sender', () => {
    expect(recipients(plan())).toEqual([BROKER, STAFF]);
  });

  it('does not push to a member who muted the conversation', () => {
    const members = [member(BUYER), member(BROKER, { muted: true }), member(STAFF)];
    expect(recipients(plan({ members }))).toEqual([STAFF]);
  });

  it('does not push to a member whose mute runs until a time still in the future', () => {
    const members = [
      member(BUYER),
      member(BROKER, { muted: true, mutedUntil: minutesFromNow(30) }),
      member(STAFF),
    ];
    expect(recipients(plan({ members }))).toEqual([STAFF]);
  });

  it('pushes again once a timed mute has run out', () => {
    const members = [
      member(BUYER),
      member(BROKER, { muted: true, mutedUntil: minutesFromNow(-1) }),
      member(STAFF),
    ];
    expect(recipients(plan({ members }))).toEqual([BROKER, STAFF]);
  });

  it('ignores a mute time left behind after the member unmuted', () => {
    const members = [member(BUYER), member(BROKER, { muted: false, mutedUntil: minutesFromNow(30) })];
    expect(recipients(plan({ members }))).toEqual([BROKER]);
  });

  it('does not push to a member looking at the conversation right now', () => {
    const members = [member(BUYER), member(BROKER, { viewingUntil: minutesFromNow(0.5) }), member(STAFF)];
    expect(recipients(plan({ members }))).toEqual([STAFF]);
  });

  it('pushes to a member whose presence heartbeat has expired', () => {
    const members = [member(BUYER), member(BROKER, { viewingUntil: minutesFromNow(-0.1) }), member(STAFF)];
    expect(recipients(plan({ members }))).toEqual([BROKER, STAFF]);
  });

  it('does not push to a member who joined after the message was sent', () => {
    expect(recipients(plan({ message: { memberIds: [BUYER, BROKER] } }))).toEqual([BROKER]);
  });

  it('pushes nothing for a SYSTEM message unless it is marked to notify', () => {
    expect(plan({ message: { kind: 'SYSTEM', body: '중개사가 입장했습니다.' } })).toEqual([]);
    expect(
      recipients(plan({ message: { kind: 'SYSTEM', body: '계약서가 도착했습니다.', notify: true } })),
    ).toEqual([BROKER, STAFF]);
  });

  it('pushes nothing for a message already deleted', () => {
    expect(plan({ message: { deletedAt: NOW.toISOString() } })).toEqual([]);
  });
});

describe('what the push says', () => {
  it('is titled with the sender nickname and links to the conversation, one notification per conversation', () => {
    const [push] = plan({ badges: new Map([[BROKER, 7]]) });
    expect(push).toEqual({
      recipientId: BROKER,
      pushId: 'chat:msg-1:broker-301',
      title: '대치동새댁',
      body: '안녕하세요, 은마 84㎡ 아직 있나요?',
      badge: 7,
      deepLink: 'bootalk://chat/conv-1',
      collapseKey: 'chat-conv-1',
      data: {
        type: 'chat.message',
        conversationId: 'conv-1',
        messageId: 'msg-1',
        deepLink: 'bootalk://chat/conv-1',
      },
    });
  });

  it('gives each recipient their own badge and leaves it out when unknown', () => {
    const pushes = plan({ badges: new Map([[STAFF, 2]]) });
    expect(pushes.map((push) => [push.recipientId, push.badge])).toEqual([
      [BROKER, undefined],
      [STAFF, 2],
    ]);
    expect(pushes[0]).not.toHaveProperty('badge');
  });

  it('falls back to the app name when the sender has no nickname', () => {
    expect(plan({ nickname: null })[0]?.title).toBe(FALLBACK_TITLE);
    expect(plan({ nickname: '  ' })[0]?.title).toBe(FALLBACK_TITLE);
  });

  it('gives a retried message the same push ids, different per recipient', () => {
    const first = plan().map((push) => push.pushId);
    const retried = plan().map((push) => push.pushId);
    expect(retried).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(plan({ message: { id: 'msg-2' } }).map((push) => push.pushId)).not.toEqual(first);
  });
});

describe('messagePreview', () => {
  it('shows 사진 for a photo', () => {
    expect(messagePreview({ kind: 'IMAGE', body: null })).toBe('사진');
  });

  it('shows 매물 정보 for a shared listing', () => {
    expect(messagePreview({ kind: 'LISTING_CARD', body: undefined })).toBe('매물 정보');
  });

  it('shows the text on one line, trimmed', () => {
    expect(messagePreview({ kind: 'TEXT', body: '  내일 2시에\n\n방문 가능할까요?  ' })).toBe(
      '내일 2시에 방문 가능할까요?',
    );
  });

  it('cuts a long text at 100 characters with an ellipsis', () => {
    const preview = messagePreview({ kind: 'TEXT', body: '가'.repeat(150) });
    expect(preview).toBe(`${'가'.repeat(100)}…`);
    expect(messagePreview({ kind: 'TEXT', body: '가'.repeat(100) })).toBe('가'.repeat(100));
  });

  it('never cuts an emoji in half', () => {
    const preview = messagePreview({ kind: 'TEXT', body: `${'가'.repeat(99)}👨‍👩‍👧ABC` });
    expect(preview).toBe(`${'가'.repeat(99)}👨‍👩‍👧…`);
  });

  it('shows the text of a SYSTEM message', () => {
    expect(messagePreview({ kind: 'SYSTEM', body: '중개사가 입장했습니다.' })).toBe('중개사가 입장했습니다.');
  });

  it('says 새 메시지 for a text without text', () => {
    expect(messagePreview({ kind: 'TEXT', body: ' \n ' })).toBe('새 메시지');
  });
});
