import { describe, expect, it } from 'vitest';
import { conversationFacts } from '../../../amplify/functions/conversation-created/conversation-facts';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import { PermanentRecordError } from '../../../amplify/functions/shared/errors';

const CREATED = '2026-03-14T02:00:00.000Z';

function conversation(overrides: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id: 'conv-1',
    kind: 'LISTING_INQUIRY',
    status: 'OPEN',
    memberIds: ['buyer-1', 'broker-user-1'],
    dedupeKey: 'k',
    buyerId: 'buyer-1',
    brokerId: 'BRK-301',
    listingId: 'LST-20001',
    complexId: null,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...overrides,
  };
}

const ids = (facts: ReturnType<typeof conversationFacts>) => ({
  events: facts.events.map((event) => event.id),
  commands: facts.commands.map((command) => command.id),
});

describe('conversationFacts', () => {
  it('publishes conversation.created and queues the CRM command for a new conversation with a broker', () => {
    const facts = conversationFacts({ eventName: 'INSERT', newImage: conversation() });
    expect(ids(facts)).toEqual({
      events: ['conversation.created:conv-1'],
      commands: [`crm.conversation:conv-1:BRK-301:${CREATED}`],
    });
    expect(facts.commands[0]).toMatchObject({
      type: 'crm.conversation',
      occurredAt: CREATED,
      payload: { conversationId: 'conv-1', buyerId: 'buyer-1', brokerId: 'BRK-301', listingId: 'LST-20001' },
    });
  });

  it('tells the CRM nothing about an inquiry still waiting for a broker, but still publishes conversation.created', () => {
    const facts = conversationFacts({
      eventName: 'INSERT',
      newImage: conversation({ brokerId: null, status: 'WAITING_FOR_BROKER' }),
    });
    expect(ids(facts)).toEqual({ events: ['conversation.created:conv-1'], commands: [] });
  });

  it('publishes broker.assigned and queues the CRM command when a broker is assigned later', () => {
    const assignedAt = '2026-03-14T02:05:00.000Z';
    const facts = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation({ brokerId: null, status: 'WAITING_FOR_BROKER' }),
      newImage: conversation({ brokerId: 'BRK-301', updatedAt: assignedAt }),
    });
    expect(ids(facts)).toEqual({
      events: [`broker.assigned:conv-1:BRK-301:${assignedAt}`],
      commands: [`crm.conversation:conv-1:BRK-301:${assignedAt}`],
    });
    expect(facts.events[0]).toMatchObject({
      type: 'broker.assigned',
      occurredAt: assignedAt,
      payload: { brokerId: 'BRK-301', previousBrokerId: null, assignedAt },
    });
  });

  it('tells the CRM of a reassignment, and of a return to an earlier broker, each as a new fact', () => {
    const toSecond = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation({ brokerId: 'BRK-301' }),
      newImage: conversation({ brokerId: 'BRK-302', updatedAt: '2026-03-14T03:00:00.000Z' }),
    });
    const backToFirst = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation({ brokerId: 'BRK-302', updatedAt: '2026-03-14T03:00:00.000Z' }),
      newImage: conversation({ brokerId: 'BRK-301', updatedAt: '2026-03-14T04:00:00.000Z' }),
    });
    expect(toSecond.events[0]!.payload).toMatchObject({ brokerId: 'BRK-302', previousBrokerId: 'BRK-301' });
    expect(toSecond.commands[0]!.payload).toMatchObject({ brokerId: 'BRK-302' });
    const initial = conversationFacts({ eventName: 'INSERT', newImage: conversation() }).commands[0]!.id;
    expect(new Set([initial, toSecond.commands[0]!.id, backToFirst.commands[0]!.id]).size).toBe(3);
  });

  it('gives a replayed record the same ids, so the Legacy API sees each fact once', () => {
    const change = {
      eventName: 'MODIFY' as const,
      oldImage: conversation({ brokerId: null, listingId: null }),
      newImage: conversation({ updatedAt: '2026-03-14T02:05:00.000Z' }),
    };
    expect(ids(conversationFacts(change))).toEqual(ids(conversationFacts(structuredClone(change))));
    const insert = { eventName: 'INSERT' as const, newImage: conversation() };
    expect(ids(conversationFacts(insert))).toEqual(ids(conversationFacts(structuredClone(insert))));
  });

  it('publishes conversation.linked when a listing or complex is set or changed', () => {
    const linkedAt = '2026-03-14T02:10:00.000Z';
    const facts = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation({ listingId: null, complexId: null }),
      newImage: conversation({ listingId: 'LST-1', complexId: 'CPX-9', updatedAt: linkedAt }),
    });
    expect(ids(facts)).toEqual({ events: [`conversation.linked:conv-1:${linkedAt}`], commands: [] });
    expect(facts.events[0]!.payload).toEqual({
      conversationId: 'conv-1',
      listingId: 'LST-1',
      complexId: 'CPX-9',
      previousListingId: null,
      previousComplexId: null,
      linkedAt,
    });
  });

  it('publishes nothing for a change that is neither a link nor an assignment (a new message preview)', () => {
    const facts = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation(),
      newImage: conversation({ lastMessagePreview: '안녕하세요', updatedAt: '2026-03-14T05:00:00.000Z' }),
    });
    expect(ids(facts)).toEqual({ events: [], commands: [] });
    expect(ids(conversationFacts({ eventName: 'REMOVE', oldImage: conversation() }))).toEqual({
      events: [],
      commands: [],
    });
  });

  it('publishes nothing for a link that is cleared, and assigns nothing when the broker is removed', () => {
    const facts = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation(),
      newImage: conversation({ listingId: null, brokerId: null, updatedAt: '2026-03-14T05:00:00.000Z' }),
    });
    expect(ids(facts)).toEqual({ events: [], commands: [] });
  });

  it('tells the CRM nothing for an assignment without a buyer (the CRM requires one), but publishes it', () => {
    const facts = conversationFacts({
      eventName: 'MODIFY',
      oldImage: conversation({ buyerId: null, brokerId: null }),
      newImage: conversation({ buyerId: null, updatedAt: '2026-03-14T02:05:00.000Z' }),
    });
    expect(facts.events.map((event) => event.type)).toEqual(['broker.assigned']);
    expect(facts.commands).toEqual([]);
  });

  it('is a permanent failure for a row without a readable time', () => {
    expect(() =>
      conversationFacts({
        eventName: 'MODIFY',
        oldImage: conversation({ brokerId: null }),
        newImage: conversation({ updatedAt: 'soon' }),
      }),
    ).toThrow(PermanentRecordError);
  });
});
