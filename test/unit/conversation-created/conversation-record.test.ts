import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type ConversationRecordDeps,
  onConversationRecord,
} from '../../../amplify/functions/conversation-created/conversation-record';
import { welcomeText } from '../../../amplify/functions/conversation-created/welcome';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import type { EventEnvelope } from '../../../amplify/functions/shared/events';

const CREATED = '2026-03-14T02:00:00.000Z';

const inquiry: ConversationRow = {
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
};

function record(
  eventName: 'INSERT' | 'MODIFY',
  newImage: ConversationRow,
  oldImage?: ConversationRow,
): DynamoDBRecord {
  const image = (row: ConversationRow) =>
    marshall(row, { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventID: '1',
    eventName,
    dynamodb: {
      Keys: { id: { S: newImage.id } },
      NewImage: image(newImage),
      ...(oldImage ? { OldImage: image(oldImage) } : {}),
    },
  };
}

let welcomes: unknown[];
let published: EventEnvelope<string, unknown>[];
let queued: EventEnvelope<string, unknown>[];
let deps: ConversationRecordDeps;
beforeEach(() => {
  welcomes = [];
  published = [];
  queued = [];
  deps = {
    createMessage: async (message) => {
      welcomes.push(message);
      return undefined;
    },
    publish: async (event) => published.push(event),
    queueForLegacy: async (command) => {
      queued.push(command);
    },
  };
});

describe('a Conversation stream record', () => {
  it('gives a new conversation its welcome at its creation time, and publishes its facts and CRM command', async () => {
    await onConversationRecord(record('INSERT', inquiry), deps);
    expect(welcomes).toEqual([
      expect.objectContaining({
        conversationId: 'conv-1',
        kind: 'SYSTEM',
        body: welcomeText(inquiry),
        memberIds: inquiry.memberIds,
        createdAt: CREATED,
      }),
    ]);
    expect(published.map((event) => event.id)).toEqual(['conversation.created:conv-1']);
    expect(queued.map((command) => command.id)).toEqual([`crm.conversation:conv-1:BRK-301:${CREATED}`]);
  });

  it('welcomes nobody on a change, and publishes only what changed', async () => {
    await onConversationRecord(
      record('MODIFY', { ...inquiry, updatedAt: '2026-03-14T02:05:00.000Z' }, inquiry),
      deps,
    );
    expect(welcomes).toEqual([]);
    expect(published).toEqual([]);
    expect(queued).toEqual([]);
  });
});
