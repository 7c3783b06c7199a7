import { describe, expect, it } from 'vitest';
import {
  conversationDeparture,
  DELETED_SENDER_ID,
  DELETED_SENDER_LABEL,
  MEMBER_LEFT_BODY,
  memberDeparture,
  memberLeftKey,
  messageDeparture,
  remainingMembers,
} from '../../../amplify/functions/user-delete-cascade/member-departure';

const LEAVER = 'leaver-sub';
const BROKER = 'broker-sub';
const STAFF = 'staff-sub';

describe('conversationDeparture', () => {
  it('removes the buyer, clears buyerId and closes a 1:1 conversation', () => {
    expect(
      conversationDeparture(
        { id: 'c1', status: 'OPEN', memberIds: [LEAVER, BROKER], buyerId: LEAVER },
        LEAVER,
      ),
    ).toEqual({ id: 'c1', memberIds: [BROKER], buyerId: null, status: 'CLOSED' });
  });

  it('keeps a conversation open while two members remain, and leaves its buyer alone', () => {
    expect(
      conversationDeparture(
        { id: 'c2', status: 'WAITING_FOR_BROKER', memberIds: [STAFF, LEAVER, BROKER], buyerId: BROKER },
        LEAVER,
      ),
    ).toEqual({ id: 'c2', memberIds: [STAFF, BROKER] });
  });

  it('does not write a status for a conversation already closed', () => {
    expect(
      conversationDeparture({ id: 'c3', status: 'CLOSED', memberIds: [LEAVER, BROKER] }, LEAVER),
    ).toEqual({
      id: 'c3',
      memberIds: [BROKER],
    });
  });

  it('clears buyerId even when the buyer had already left the members', () => {
    expect(
      conversationDeparture(
        { id: 'c4', status: 'OPEN', memberIds: [BROKER, STAFF], buyerId: LEAVER },
        LEAVER,
      ),
    ).toEqual({ id: 'c4', memberIds: [BROKER, STAFF], buyerId: null });
  });

  it('renames the user in the dedupe key, and only there once the rest is written', () => {
    const key = `LISTING_INQUIRY#buyer=${LEAVER}#broker=BRK-1#listing=LST-1`;
    expect(
      conversationDeparture(
        { id: 'c5', status: 'OPEN', memberIds: [LEAVER, BROKER], buyerId: LEAVER, dedupeKey: key },
        LEAVER,
      ),
    ).toMatchObject({ dedupeKey: 'LISTING_INQUIRY#buyer=deleted-user#broker=BRK-1#listing=LST-1' });
    expect(
      conversationDeparture(
        { id: 'c5', status: 'CLOSED', memberIds: [BROKER], buyerId: null, dedupeKey: key },
        LEAVER,
      ),
    ).toEqual({
      id: 'c5',
      memberIds: [BROKER],
      dedupeKey: 'LISTING_INQUIRY#buyer=deleted-user#broker=BRK-1#listing=LST-1',
    });
    expect(
      conversationDeparture(
        { id: 'c6', status: 'OPEN', memberIds: [LEAVER, BROKER], dedupeKey: `DIRECT#buyer=${BROKER}` },
        LEAVER,
      ),
    ).not.toHaveProperty('dedupeKey');
  });

  it('changes nothing once the departure is written (a retry)', () => {
    expect(
      conversationDeparture({ id: 'c1', status: 'CLOSED', memberIds: [BROKER], buyerId: null }, LEAVER),
    ).toBeUndefined();
  });
});

describe('memberDeparture', () => {
  it("takes the user out of another member's memberIds", () => {
    expect(
      memberDeparture({ conversationId: 'c1', userId: BROKER, memberIds: [LEAVER, BROKER] }, LEAVER),
    ).toEqual({
      conversationId: 'c1',
      userId: BROKER,
      memberIds: [BROKER],
    });
  });

  it("leaves the user's own row (deleted instead) and rows already updated", () => {
    expect(
      memberDeparture({ conversationId: 'c1', userId: LEAVER, memberIds: [LEAVER, BROKER] }, LEAVER),
    ).toBeUndefined();
    expect(
      memberDeparture({ conversationId: 'c1', userId: BROKER, memberIds: [BROKER] }, LEAVER),
    ).toBeUndefined();
    expect(
      memberDeparture({ conversationId: 'c1', userId: BROKER, memberIds: null }, LEAVER),
    ).toBeUndefined();
  });
});

describe('messageDeparture', () => {
  const theirs = { id: 'm1', senderId: LEAVER, memberIds: [LEAVER, BROKER] };

  it("anonymizes the user's message and keeps its text by default (KEEP)", () => {
    expect(messageDeparture(theirs, LEAVER, 'KEEP')).toEqual({
      id: 'm1',
      memberIds: [BROKER],
      senderId: DELETED_SENDER_ID,
      senderLabel: DELETED_SENDER_LABEL,
      clientMessageId: null,
    });
    expect(DELETED_SENDER_LABEL).toBe('탈퇴한 사용자');
  });

  it('clears the text, the photo and the listing card under CLEAR', () => {
    expect(messageDeparture(theirs, LEAVER, 'CLEAR')).toEqual({
      id: 'm1',
      memberIds: [BROKER],
      senderId: DELETED_SENDER_ID,
      senderLabel: DELETED_SENDER_LABEL,
      clientMessageId: null,
      body: null,
      image: null,
      listing: null,
    });
  });

  it("only removes the user from the readers of someone else's message, under either policy", () => {
    const brokers = { id: 'm2', senderId: BROKER, memberIds: [LEAVER, BROKER] };
    expect(messageDeparture(brokers, LEAVER, 'KEEP')).toEqual({ id: 'm2', memberIds: [BROKER] });
    expect(messageDeparture(brokers, LEAVER, 'CLEAR')).toEqual({ id: 'm2', memberIds: [BROKER] });
  });

  it('changes nothing on a message already anonymized or never addressed to the user', () => {
    expect(
      messageDeparture({ id: 'm1', senderId: DELETED_SENDER_ID, memberIds: [BROKER] }, LEAVER, 'CLEAR'),
    ).toBeUndefined();
    expect(
      messageDeparture({ id: 'm3', senderId: STAFF, memberIds: [STAFF, BROKER] }, LEAVER, 'KEEP'),
    ).toBeUndefined();
  });
});

describe('the member-left message', () => {
  it('is addressed to the members who stay, and named by conversation and user', () => {
    expect(remainingMembers([STAFF, LEAVER, BROKER], LEAVER)).toEqual([STAFF, BROKER]);
    expect(memberLeftKey('c1', LEAVER)).toBe(`member-left:c1:${LEAVER}`);
    expect(MEMBER_LEFT_BODY).toBe('탈퇴한 사용자가 대화방을 나갔습니다.');
  });
});
