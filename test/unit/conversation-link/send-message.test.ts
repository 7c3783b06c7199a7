import { describe, expect, it } from 'vitest';
import { checkCanPost, matchRetriedSend } from '../../../amplify/functions/conversation-link/send-message';
import type { ConversationRow } from '../../../amplify/functions/shared/chat/conversation';
import {
  isMember,
  messageIdFor,
  planMessage,
  type SendMessageInput,
  validateSendMessage,
} from '../../../amplify/functions/shared/chat/send-message';
import { UserFacingError } from '../../../amplify/functions/shared/errors';

const CONVERSATION = 'c0f3a9d2-1111-5222-8333-444455556666';
const user = { userId: 'buyer-sub', isFunction: false };
const service = { userId: 'conversation-created', isFunction: true };
const listing = {
  listingId: 'LST-20001',
  complexId: 'CPX-1001',
  title: '래미안대치팰리스 84㎡',
  priceWon: 2_350_000_000,
  exclusiveAreaM2: 84.97,
  address: '서울특별시 강남구 대치동 1027',
  thumbnailUrl: 'https://img.bootalk.co.kr/listings/LST-20001.jpg',
};

function input(overrides: Partial<SendMessageInput> & Record<string, unknown> = {}): SendMessageInput {
  return {
    conversationId: CONVERSATION,
    kind: 'TEXT',
    body: '안녕하세요',
    clientMessageId: 'm-1',
    ...overrides,
  };
}

function validated(message: SendMessageInput, caller = user) {
  const decision = validateSendMessage(message, caller);
  if (!decision.ok) throw decision.error;
  return decision.value;
}

function refusal(message: SendMessageInput, caller = user): string {
  const decision = validateSendMessage(message, caller);
  if (decision.ok) throw new Error('expected a refusal');
  expect(decision.error).toBeInstanceOf(UserFacingError);
  return decision.error.message;
}

describe('a TEXT message', () => {
  it('is trimmed and kept', () => {
    expect(validated(input({ body: '  매물 아직 있나요?\n' }))).toEqual({
      conversationId: CONVERSATION,
      kind: 'TEXT',
      body: '매물 아직 있나요?',
      clientMessageId: 'm-1',
    });
  });

  it('may be 2,000 Korean characters but not 2,001', () => {
    expect(validated(input({ body: '가'.repeat(2000) })).body).toHaveLength(2000);
    expect(refusal(input({ body: '가'.repeat(2001) }))).toMatch(
      /^BODY_TOO_LONG: .*2,001자.*\(.*2,000 characters/,
    );
  });

  it('counts code points, so 2,000 emoji fit though they are 4,000 UTF-16 units', () => {
    expect(validated(input({ body: '🏠'.repeat(2000) })).body).toHaveLength(4000);
    expect(refusal(input({ body: '🏠'.repeat(2001) }))).toMatch(/^BODY_TOO_LONG: /);
  });

  it('counts decomposed Hangul as the syllables it spells', () => {
    const decomposed = '한'.normalize('NFD').repeat(2000);
    expect(decomposed.length).toBe(6000);
    expect(validated(input({ body: decomposed })).body).toBe('한'.repeat(2000));
  });

  it('does not count surrounding whitespace against the limit', () => {
    expect(validated(input({ body: `   ${'가'.repeat(2000)}   ` })).body).toHaveLength(2000);
  });

  it('is refused when empty, only whitespace or missing', () => {
    for (const body of ['', ' \n\t　', undefined, null]) {
      expect(refusal(input({ body }))).toMatch(/^BODY_REQUIRED: /);
    }
  });

  it('is refused when only invisible characters remain: zero-width spaces, joiners, Hangul fillers', () => {
    for (const body of [
      '\u200B\u200B\u200B',
      ' \u200D\uFEFF\u2060 ',
      '\u3164\u3164',
      '\u115F\u1160',
      '\u202E\u00AD',
    ]) {
      expect(refusal(input({ body }))).toMatch(/^BODY_REQUIRED: .*\(.*invisible characters/);
    }
  });

  it('keeps invisible characters inside visible text, such as the joiner of a family emoji', () => {
    expect(validated(input({ body: '👨\u200D👩\u200D👧 안녕하세요' })).body).toBe(
      '👨\u200D👩\u200D👧 안녕하세요',
    );
  });

  it('is refused when it carries an image or a listing', () => {
    expect(refusal(input({ image: { key: `chat/${CONVERSATION}/a.jpg`, width: 1, height: 1 } }))).toMatch(
      /^UNEXPECTED_ATTACHMENT: .*TEXT.*image/,
    );
    expect(refusal(input({ listing }))).toMatch(/^UNEXPECTED_ATTACHMENT: /);
  });
});

describe('an IMAGE message', () => {
  const image = { key: `chat/${CONVERSATION}/2025/photo_01.jpg`, width: 1080, height: 1920 };

  it('keeps the key, the size and an optional caption', () => {
    expect(validated(input({ kind: 'IMAGE', body: undefined, image }))).toEqual({
      conversationId: CONVERSATION,
      kind: 'IMAGE',
      image,
      clientMessageId: 'm-1',
    });
    expect(validated(input({ kind: 'IMAGE', body: ' 거실 사진 ', image })).body).toBe('거실 사진');
    expect(validated(input({ kind: 'IMAGE', body: '   ', image }))).not.toHaveProperty('body');
  });

  it('refuses a caption over 2,000 characters', () => {
    expect(refusal(input({ kind: 'IMAGE', body: '가'.repeat(2001), image }))).toMatch(/^BODY_TOO_LONG: /);
  });

  it('refuses a missing image', () => {
    expect(refusal(input({ kind: 'IMAGE' }))).toMatch(/^IMAGE_REQUIRED: /);
  });

  it.each([
    ['another conversation’s folder', 'chat/another-conversation/a.jpg'],
    ['a path that climbs out', `chat/${CONVERSATION}/../other/a.jpg`],
    ['a double dot anywhere', `chat/${CONVERSATION}/a..jpg`],
    ['the folder itself', `chat/${CONVERSATION}/`],
    ['an empty segment', `chat/${CONVERSATION}//a.jpg`],
    ['a hidden file', `chat/${CONVERSATION}/.env`],
    ['another top folder', `public/${CONVERSATION}/a.jpg`],
    ['a URL', `https://evil.example/chat/${CONVERSATION}/a.jpg`],
    ['spaces', `chat/${CONVERSATION}/my photo.jpg`],
    ['an overlong key', `chat/${CONVERSATION}/${'a'.repeat(600)}.jpg`],
  ])('refuses a key in %s', (_name, key) => {
    expect(refusal(input({ kind: 'IMAGE', image: { ...image, key } }))).toMatch(/^INVALID_IMAGE_KEY: /);
  });

  it.each([
    [0, 100],
    [100, -1],
    [10_001, 100],
    [100, 1.5],
    [Number.NaN, 100],
  ])('refuses a size of %s × %s', (width, height) => {
    expect(refusal(input({ kind: 'IMAGE', image: { ...image, width, height } }))).toMatch(
      /^INVALID_IMAGE_SIZE: /,
    );
  });

  it('accepts the largest size', () => {
    expect(
      validated(input({ kind: 'IMAGE', image: { ...image, width: 10_000, height: 10_000 } })).image,
    ).toEqual({
      ...image,
      width: 10_000,
      height: 10_000,
    });
  });
});

describe('a LISTING_CARD message', () => {
  it('keeps the snapshot as it was sent', () => {
    expect(validated(input({ kind: 'LISTING_CARD', body: undefined, listing })).listing).toEqual(listing);
  });

  it('needs only the listing id, price, area and address', () => {
    const minimal = { listingId: 'LST-1', priceWon: 0, exclusiveAreaM2: 59.9, address: '서울 송파구 잠실동' };
    expect(validated(input({ kind: 'LISTING_CARD', body: undefined, listing: minimal })).listing).toEqual(
      minimal,
    );
  });

  it.each([
    ['no listing id', { listingId: '' }, /listingId/],
    ['a negative price', { priceWon: -1 }, /priceWon/],
    ['a fractional price', { priceWon: 1.5 }, /priceWon/],
    ['a price that is not a number', { priceWon: '23억' }, /priceWon/],
    ['a zero area', { exclusiveAreaM2: 0 }, /exclusiveAreaM2/],
    ['an infinite area', { exclusiveAreaM2: Number.POSITIVE_INFINITY }, /exclusiveAreaM2/],
    ['no address', { address: '  ' }, /address/],
    ['an address over 200 characters', { address: '가'.repeat(201) }, /address/],
    ['an http thumbnail', { thumbnailUrl: 'http://img.bootalk.co.kr/a.jpg' }, /thumbnailUrl/],
    ['a javascript thumbnail', { thumbnailUrl: 'javascript:alert(1)' }, /thumbnailUrl/],
    ['a thumbnail with credentials', { thumbnailUrl: 'https://u:p@img.bootalk.co.kr/a.jpg' }, /thumbnailUrl/],
  ])('refuses %s', (_name, override, field) => {
    const message = refusal(
      input({ kind: 'LISTING_CARD', listing: { ...listing, ...override } as typeof listing }),
    );
    expect(message).toMatch(/^INVALID_LISTING: /);
    expect(message).toMatch(field);
  });

  it('accepts an address of exactly 200 characters', () => {
    const address = '가'.repeat(200);
    expect(
      validated(input({ kind: 'LISTING_CARD', listing: { ...listing, address } })).listing?.address,
    ).toBe(address);
  });

  it('refuses a missing listing', () => {
    expect(refusal(input({ kind: 'LISTING_CARD' }))).toMatch(/^LISTING_REQUIRED: /);
  });
});

describe('message kinds and ids', () => {
  it('refuses an unknown kind with a clear message', () => {
    expect(refusal(input({ kind: 'VIDEO' }))).toMatch(
      /^UNSUPPORTED_MESSAGE_KIND: .*VIDEO.*\(.*TEXT, IMAGE or LISTING_CARD/,
    );
    expect(refusal(input({ kind: 'text' }))).toMatch(/^UNSUPPORTED_MESSAGE_KIND: /);
  });

  it('refuses a SYSTEM message from a user but takes one from a function', () => {
    expect(refusal(input({ kind: 'SYSTEM', body: '중개사가 입장했습니다.' }))).toMatch(
      /^SYSTEM_MESSAGE_FORBIDDEN: /,
    );
    expect(validated(input({ kind: 'SYSTEM', body: '중개사가 입장했습니다.' }), service).kind).toBe('SYSTEM');
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'm 1'],
    ['a slash', 'm/1'],
    ['Korean', '메시지1'],
  ])('refuses a clientMessageId that is %s', (_name, clientMessageId) => {
    expect(refusal(input({ clientMessageId }))).toMatch(/^INVALID_CLIENT_MESSAGE_ID: /);
  });

  it('accepts a 64-character clientMessageId of letters, digits, _ and -', () => {
    const clientMessageId = `${'aZ09_-'.repeat(10)}abcd`;
    expect(validated(input({ clientMessageId })).clientMessageId).toBe(clientMessageId);
  });

  it('refuses a conversation id that could escape the image folder', () => {
    expect(refusal(input({ conversationId: '../x' }))).toMatch(/^INVALID_CONVERSATION_ID: /);
  });

  it('derives the same message id for a retried send and a different one otherwise', () => {
    const id = messageIdFor('buyer-sub', 'm-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(messageIdFor('buyer-sub', 'm-1')).toBe(id);
    expect(messageIdFor('buyer-sub', 'm-2')).not.toBe(id);
    expect(messageIdFor('broker-sub', 'm-1')).not.toBe(id);
    expect(messageIdFor('a', 'bc')).not.toBe(messageIdFor('ab', 'c'));
  });
});

describe('planMessage', () => {
  const now = new Date('2025-03-14T03:00:00.000Z');

  it('makes the Message row, its id fixed by sender and clientMessageId', () => {
    const members = ['buyer-sub', 'broker-sub'];
    const item = planMessage(validated(input()), { senderId: 'buyer-sub', memberIds: members, now });
    expect(item).toEqual({
      __typename: 'Message',
      id: messageIdFor('buyer-sub', 'm-1'),
      conversationId: CONVERSATION,
      createdAt: '2025-03-14T03:00:00.000Z',
      updatedAt: '2025-03-14T03:00:00.000Z',
      senderId: 'buyer-sub',
      memberIds: members,
      kind: 'TEXT',
      body: '안녕하세요',
      clientMessageId: 'm-1',
    });
    const retried = planMessage(validated(input()), {
      senderId: 'buyer-sub',
      memberIds: members,
      now: new Date(),
    });
    expect(retried.id).toBe(item.id);
  });

  it('carries the listing snapshot of a LISTING_CARD', () => {
    const item = planMessage(validated(input({ kind: 'LISTING_CARD', body: undefined, listing })), {
      senderId: 'broker-sub',
      memberIds: ['buyer-sub', 'broker-sub'],
      now,
    });
    expect(item.listing).toEqual(listing);
    expect(item).not.toHaveProperty('body');
  });
});

describe('retried sends', () => {
  const now = new Date('2025-03-14T03:00:00.000Z');
  const first = planMessage(validated(input()), { senderId: 'buyer-sub', memberIds: ['buyer-sub'], now });

  it('return the stored message when the same send is retried', () => {
    const again = planMessage(validated(input()), {
      senderId: 'buyer-sub',
      memberIds: ['buyer-sub'],
      now: new Date(),
    });
    expect(matchRetriedSend(first, again)).toEqual({ ok: true, value: first });
  });

  it('refuse a clientMessageId reused in another conversation', () => {
    const elsewhere = planMessage(validated(input({ conversationId: 'other-conversation' })), {
      senderId: 'buyer-sub',
      memberIds: ['buyer-sub'],
      now,
    });
    const decision = matchRetriedSend(first, elsewhere);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.error.message).toMatch(/^CLIENT_MESSAGE_ID_REUSED: /);
  });

  it('refuse a clientMessageId reused with other text, in Korean and English', () => {
    const otherText = planMessage(validated(input({ body: '다른 내용' })), {
      senderId: 'buyer-sub',
      memberIds: ['buyer-sub'],
      now,
    });
    const decision = matchRetriedSend(first, otherText);
    expect(!decision.ok && decision.error.message).toMatch(
      /^CLIENT_MESSAGE_ID_REUSED: 이미 다른 메시지에 쓰인 clientMessageId입니다\. \(.*use a new one per message\.\)$/,
    );
  });

  it('refuse a clientMessageId reused for a listing card about another listing', () => {
    const card = (listingId: string) =>
      planMessage(
        validated(input({ kind: 'LISTING_CARD', body: undefined, listing: { ...listing, listingId } })),
        {
          senderId: 'buyer-sub',
          memberIds: ['buyer-sub'],
          now,
        },
      );
    expect(matchRetriedSend(card('LST-20001'), card('LST-20001')).ok).toBe(true);
    expect(matchRetriedSend(card('LST-20001'), card('LST-20002')).ok).toBe(false);
  });

  it('treat the same text with other surrounding whitespace as the same send', () => {
    const again = planMessage(validated(input({ body: '  안녕하세요 \n' })), {
      senderId: 'buyer-sub',
      memberIds: ['buyer-sub'],
      now,
    });
    expect(matchRetriedSend(first, again)).toEqual({ ok: true, value: first });
  });

  it('return a message edited since when its retry comes late, as its content is no longer comparable', () => {
    const edited = { ...first, body: '고친 내용', editedAt: now.toISOString() };
    expect(matchRetriedSend(edited, first)).toEqual({ ok: true, value: edited });
  });
});

describe('who may post', () => {
  const conversation: ConversationRow = {
    id: CONVERSATION,
    kind: 'LISTING_INQUIRY',
    status: 'OPEN',
    memberIds: ['buyer-sub', 'broker-sub'],
    dedupeKey: 'k',
    createdAt: '2025-03-14T02:00:00.000Z',
    updatedAt: '2025-03-14T02:00:00.000Z',
  };

  it('knows members from memberIds', () => {
    expect(isMember(conversation, 'buyer-sub')).toBe(true);
    expect(isMember(conversation, 'stranger-sub')).toBe(false);
    expect(isMember(undefined, 'buyer-sub')).toBe(false);
  });

  it('lets members post and tells a non-member the conversation was not found', () => {
    expect(checkCanPost(conversation, user)).toEqual({ ok: true, value: conversation });
    const stranger = checkCanPost(conversation, { userId: 'stranger-sub', isFunction: false });
    const missing = checkCanPost(undefined, user);
    expect(!stranger.ok && stranger.error.message).toMatch(/^CONVERSATION_NOT_FOUND: /);
    expect(!missing.ok && missing.error.message).toBe(!stranger.ok && stranger.error.message);
  });

  it('closes a closed conversation to members but not to functions', () => {
    const closed = { ...conversation, status: 'CLOSED' as const };
    const decision = checkCanPost(closed, user);
    expect(!decision.ok && decision.error.message).toMatch(/^CONVERSATION_CLOSED: /);
    expect(checkCanPost(closed, service).ok).toBe(true);
  });
});
