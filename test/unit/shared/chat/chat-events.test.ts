import { describe, expect, it } from 'vitest';
import {
  chatEventsFor,
  conversationCreatedEvent,
  conversationReadEvent,
} from '../../../../amplify/functions/shared/chat/chat-events';
import { PermanentRecordError } from '../../../../amplify/functions/shared/errors';
import { BROKER, BUYER, message } from '../../../support/chat-fixtures';

const sent = message({ body: '제 번호는 010-1234-5678 입니다', clientMessageId: 'client-77' });
const EDITED_AT = '2026-03-14T03:05:00.000Z';
const DELETED_AT = '2026-03-14T03:10:00.000Z';

describe('chatEventsFor', () => {
  it('publishes message.sent for a new message, with the body as the sender wrote it', () => {
    expect(chatEventsFor({ eventName: 'INSERT', newImage: sent })).toEqual([
      {
        type: 'message.sent',
        id: 'message.sent:msg-1',
        occurredAt: '2026-03-14T02:59:59.000Z',
        version: 1,
        payload: {
          messageId: 'msg-1',
          conversationId: 'conv-1',
          senderId: BUYER,
          kind: 'TEXT',
          createdAt: '2026-03-14T02:59:59.000Z',
          body: '제 번호는 010-1234-5678 입니다',
          image: null,
          listing: null,
        },
      },
    ]);
  });

  it('carries a listing card as its legacy ids and a photo as its storage key and caption', () => {
    const card = message({
      kind: 'LISTING_CARD',
      body: null,
      listing: { listingId: 'LST-20001', complexId: 'CPX-1001', title: '은마 84㎡', priceWon: 2_190_000_000 },
    });
    expect(chatEventsFor({ eventName: 'INSERT', newImage: card })[0]?.payload).toMatchObject({
      kind: 'LISTING_CARD',
      body: null,
      image: null,
      listing: { listingId: 'LST-20001', complexId: 'CPX-1001' },
    });
    const photo = message({
      kind: 'IMAGE',
      body: '거실 사진',
      image: { key: 'chat/conv-1/a.jpg', width: 1080 },
    });
    expect(chatEventsFor({ eventName: 'INSERT', newImage: photo })[0]?.payload).toMatchObject({
      kind: 'IMAGE',
      body: '거실 사진',
      image: { key: 'chat/conv-1/a.jpg', width: 1080, height: null },
      listing: null,
    });
  });

  it('keeps the same event id when the same record is processed again', () => {
    const first = chatEventsFor({ eventName: 'INSERT', newImage: sent });
    const again = chatEventsFor({ eventName: 'INSERT', newImage: structuredClone(sent) });
    expect(again).toEqual(first);
  });

  it('publishes message.edited, with the new text, when editedAt changes', () => {
    const edited = { ...sent, body: '수정했습니다', editedAt: EDITED_AT };
    expect(chatEventsFor({ eventName: 'MODIFY', oldImage: sent, newImage: edited })).toEqual([
      {
        type: 'message.edited',
        id: `message.edited:msg-1:${EDITED_AT}`,
        occurredAt: EDITED_AT,
        version: 1,
        payload: {
          messageId: 'msg-1',
          conversationId: 'conv-1',
          senderId: BUYER,
          kind: 'TEXT',
          editedAt: EDITED_AT,
          body: '수정했습니다',
        },
      },
    ]);
  });

  it('gives a second edit of the same message its own event id', () => {
    const once = { ...sent, editedAt: EDITED_AT };
    const twice = { ...once, editedAt: '2026-03-14T03:06:00.000Z' };
    const [first] = chatEventsFor({ eventName: 'MODIFY', oldImage: sent, newImage: once });
    const [second] = chatEventsFor({ eventName: 'MODIFY', oldImage: once, newImage: twice });
    expect(second?.id).not.toBe(first?.id);
  });

  it('publishes message.deleted, without the body, when deletedAt is set', () => {
    const deleted = { ...sent, body: '', deletedAt: DELETED_AT };
    const events = chatEventsFor({ eventName: 'MODIFY', oldImage: sent, newImage: deleted });
    expect(events).toEqual([
      {
        type: 'message.deleted',
        id: 'message.deleted:msg-1',
        occurredAt: DELETED_AT,
        version: 1,
        payload: { messageId: 'msg-1', conversationId: 'conv-1', senderId: BUYER, deletedAt: DELETED_AT },
      },
    ]);
  });

  it('publishes only message.deleted when a deletion also stamps editedAt', () => {
    const deleted = { ...sent, editedAt: DELETED_AT, deletedAt: DELETED_AT };
    expect(
      chatEventsFor({ eventName: 'MODIFY', oldImage: sent, newImage: deleted }).map((e) => e.type),
    ).toEqual(['message.deleted']);
  });

  it('publishes nothing when a MODIFY changes nothing the Legacy API follows', () => {
    const edited = { ...sent, editedAt: EDITED_AT };
    const deleted = { ...sent, deletedAt: DELETED_AT };
    expect(chatEventsFor({ eventName: 'MODIFY', oldImage: sent, newImage: { ...sent } })).toEqual([]);
    expect(
      chatEventsFor({
        eventName: 'MODIFY',
        oldImage: sent,
        newImage: { ...sent, memberIds: [BUYER, BROKER, 'x'] },
      }),
    ).toEqual([]);
    expect(chatEventsFor({ eventName: 'MODIFY', oldImage: edited, newImage: { ...edited } })).toEqual([]);
    // Anonymizing a deleted message is not a new fact.
    expect(
      chatEventsFor({
        eventName: 'MODIFY',
        oldImage: deleted,
        newImage: { ...deleted, body: '', editedAt: EDITED_AT },
      }),
    ).toEqual([]);
  });

  it('publishes nothing when a message row is removed', () => {
    expect(chatEventsFor({ eventName: 'REMOVE', oldImage: sent })).toEqual([]);
  });

  it('refuses, as a permanent failure, a message without a readable time', () => {
    expect(() => chatEventsFor({ eventName: 'INSERT', newImage: { ...sent, createdAt: 'soon' } })).toThrow(
      PermanentRecordError,
    );
  });
});

describe('conversationCreatedEvent', () => {
  it('names the conversation, its members and the legacy listing ids', () => {
    expect(
      conversationCreatedEvent({
        id: 'conv-1',
        kind: 'LISTING_INQUIRY',
        memberIds: [BUYER, BROKER],
        buyerId: BUYER,
        brokerId: BROKER,
        listingId: 'LST-20001',
        createdAt: '2026-03-14T02:00:00.000Z',
      }),
    ).toEqual({
      type: 'conversation.created',
      id: 'conversation.created:conv-1',
      occurredAt: '2026-03-14T02:00:00.000Z',
      version: 1,
      payload: {
        conversationId: 'conv-1',
        kind: 'LISTING_INQUIRY',
        memberIds: [BUYER, BROKER],
        buyerId: BUYER,
        brokerId: BROKER,
        listingId: 'LST-20001',
        complexId: null,
        createdAt: '2026-03-14T02:00:00.000Z',
      },
    });
  });
});

describe('conversationReadEvent', () => {
  const READ_AT = '2026-03-14T03:00:00.000Z';

  it('names the conversation, the reader and how far they read, and happened when they read', () => {
    expect(
      conversationReadEvent({
        conversationId: 'conv-1',
        readerId: BROKER,
        lastReadAt: READ_AT,
        lastReadMessageId: 'msg-9',
      }),
    ).toEqual({
      type: 'conversation.read',
      id: `conversation.read:conv-1:${BROKER}:${READ_AT}`,
      occurredAt: READ_AT,
      version: 1,
      payload: {
        conversationId: 'conv-1',
        readerId: BROKER,
        lastReadAt: READ_AT,
        lastReadMessageId: 'msg-9',
      },
    });
  });

  it('carries a null message id when the read named only a time', () => {
    const event = conversationReadEvent({ conversationId: 'conv-1', readerId: BROKER, lastReadAt: READ_AT });
    expect(event.payload.lastReadMessageId).toBeNull();
  });

  it('gives each read position of a member its own id, and the same read the same id', () => {
    const read = { conversationId: 'conv-1', readerId: BROKER, lastReadAt: READ_AT };
    const further = { ...read, lastReadAt: '2026-03-14T03:05:00.000Z' };
    expect(conversationReadEvent(structuredClone(read)).id).toBe(conversationReadEvent(read).id);
    expect(conversationReadEvent(further).id).not.toBe(conversationReadEvent(read).id);
    expect(conversationReadEvent({ ...read, readerId: BUYER }).id).not.toBe(conversationReadEvent(read).id);
  });

  it('refuses, as a permanent failure, a read without a readable time', () => {
    expect(() =>
      conversationReadEvent({ conversationId: 'conv-1', readerId: BROKER, lastReadAt: 'now' }),
    ).toThrow(PermanentRecordError);
  });
});
