import { accept, type Decision, type Refusal, refuse } from '../decision';
import { nameBasedUuid } from '../name-based-id';
import { codePointLength, isBlank, STORAGE_KEY_SEGMENT } from '../user-text';
import type { ListingSnapshot, MessageKind, MessageRow } from './chat-message';
import type { ConversationRow } from './conversation';

/**
 * sendMessage's decision: what a message may contain, who may post it, and the Message row it
 * becomes. Lengths count Unicode code points, so 2,000 Korean syllables fit as 2,000 characters.
 */

export const MESSAGE_KINDS = ['TEXT', 'IMAGE', 'LISTING_CARD', 'SYSTEM'] as const;
export const BODY_MAX_CHARACTERS = 2_000;
export const IMAGE_MAX_DIMENSION = 10_000;
export const ADDRESS_MAX_CHARACTERS = 200;
export const TITLE_MAX_CHARACTERS = 200;
const IMAGE_KEY_MAX_LENGTH = 512;
const URL_MAX_LENGTH = 2_048;

export interface SendMessageInput {
  conversationId: string;
  /** As the client sent it; unknown kinds are refused. */
  kind: string;
  /** The text of a TEXT or SYSTEM message; an optional caption of an IMAGE or LISTING_CARD. */
  body?: string | null;
  image?: { key: string; width: number; height: number } | null;
  listing?: ListingSnapshotInput | null;
  /** Chosen by the client per message and kept across retries. */
  clientMessageId: string;
}

export interface ListingSnapshotInput {
  listingId: string;
  complexId?: string | null;
  title?: string | null;
  priceWon: number;
  exclusiveAreaM2: number;
  address: string;
  thumbnailUrl?: string | null;
}

export interface SendMessageCaller {
  userId: string;
  /** A function calling with IAM, not a signed-in user. */
  isFunction: boolean;
}

export interface ValidatedMessage {
  conversationId: string;
  kind: MessageKind;
  body?: string;
  image?: { key: string; width: number; height: number };
  listing?: ListingSnapshot;
  clientMessageId: string;
}

export type MessageItem = MessageRow & { __typename: 'Message'; updatedAt: string };

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const LEGACY_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/**
 * A message body or caption: NFC (decomposed Hangul would otherwise count each jamo), trimmed,
 * 1–2,000 code points. A body of only whitespace and invisible characters (zero-width spaces,
 * Hangul fillers) is empty: required, it is refused; optional, it is no body.
 */
export function validateBody(body: unknown, options: { required: boolean }): Decision<string | undefined> {
  if (body === undefined || body === null) return options.required ? bodyRequired() : accept(undefined);
  if (typeof body !== 'string')
    return refuse('INVALID_BODY', '메시지는 문자열이어야 합니다.', 'body must be a string.');
  const text = body.normalize('NFC').trim();
  if (isBlank(text)) return options.required ? bodyRequired() : accept(undefined);
  const length = codePointLength(text);
  if (length > BODY_MAX_CHARACTERS) {
    return refuse(
      'BODY_TOO_LONG',
      `메시지는 ${BODY_MAX_CHARACTERS.toLocaleString('en-US')}자까지 보낼 수 있습니다 (현재 ${length.toLocaleString('en-US')}자).`,
      `A message can be at most ${BODY_MAX_CHARACTERS.toLocaleString('en-US')} characters; this one has ${length.toLocaleString('en-US')}.`,
    );
  }
  return accept(text);
}

function bodyRequired(): Refusal {
  return refuse(
    'BODY_REQUIRED',
    '메시지 내용을 입력해주세요.',
    'The message is empty (spaces and invisible characters do not count).',
  );
}

function isMessageKind(kind: unknown): kind is MessageKind {
  return typeof kind === 'string' && (MESSAGE_KINDS as readonly string[]).includes(kind);
}

/** The attachment fields each kind may carry; anything else is a client bug worth refusing. */
const ATTACHMENTS: Record<MessageKind, readonly ('image' | 'listing')[]> = {
  TEXT: [],
  SYSTEM: [],
  IMAGE: ['image'],
  LISTING_CARD: ['listing'],
};

export function validateSendMessage(
  input: SendMessageInput,
  caller: SendMessageCaller,
): Decision<ValidatedMessage> {
  const { conversationId, clientMessageId, kind } = input;
  if (typeof conversationId !== 'string' || !SAFE_ID.test(conversationId)) {
    return refuse(
      'INVALID_CONVERSATION_ID',
      '대화 ID 형식이 올바르지 않습니다.',
      'conversationId is not a valid id.',
    );
  }
  if (typeof clientMessageId !== 'string' || !SAFE_ID.test(clientMessageId)) {
    return refuse(
      'INVALID_CLIENT_MESSAGE_ID',
      'clientMessageId는 영문, 숫자, _, - 로 된 1–64자여야 합니다.',
      'clientMessageId must be 1–64 characters of A–Z, a–z, 0–9, _ or -.',
    );
  }
  if (!isMessageKind(kind)) {
    return refuse(
      'UNSUPPORTED_MESSAGE_KIND',
      `지원하지 않는 메시지 종류입니다: ${String(kind).slice(0, 40)}`,
      `Unsupported message kind ${String(kind).slice(0, 40)}; use TEXT, IMAGE or LISTING_CARD.`,
    );
  }
  if (kind === 'SYSTEM' && !caller.isFunction) {
    return refuse(
      'SYSTEM_MESSAGE_FORBIDDEN',
      '시스템 메시지는 보낼 수 없습니다.',
      'Only the service sends SYSTEM messages.',
    );
  }
  for (const field of ['image', 'listing'] as const) {
    if (input[field] !== undefined && input[field] !== null && !ATTACHMENTS[kind].includes(field)) {
      return refuse(
        'UNEXPECTED_ATTACHMENT',
        `${kind} 메시지에는 ${field} 값을 넣을 수 없습니다.`,
        `A ${kind} message can't carry ${field}.`,
      );
    }
  }

  const body = validateBody(input.body, { required: kind === 'TEXT' || kind === 'SYSTEM' });
  if (!body.ok) return body;
  const validated: ValidatedMessage = {
    conversationId,
    kind,
    clientMessageId,
    ...(body.value === undefined ? {} : { body: body.value }),
  };
  if (kind === 'IMAGE') {
    const image = validateImage(input.image, conversationId);
    if (!image.ok) return image;
    validated.image = image.value;
  }
  if (kind === 'LISTING_CARD') {
    const listing = validateListing(input.listing);
    if (!listing.ok) return listing;
    validated.listing = listing.value;
  }
  return accept(validated);
}

/** An upload under the conversation's own folder: no traversal, no other conversation's files. */
function validateImage(image: SendMessageInput['image'], conversationId: string) {
  if (!image) return refuse('IMAGE_REQUIRED', '보낼 사진이 없습니다.', 'An IMAGE message needs an image.');
  const prefix = `chat/${conversationId}/`;
  const { key, width, height } = image;
  const rest = typeof key === 'string' && key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
  if (
    rest === undefined ||
    key.length > IMAGE_KEY_MAX_LENGTH ||
    key.includes('..') ||
    !rest.split('/').every((segment) => STORAGE_KEY_SEGMENT.test(segment))
  ) {
    return refuse(
      'INVALID_IMAGE_KEY',
      '사진 경로가 올바르지 않습니다.',
      `image.key must be an uploaded object under ${prefix}.`,
    );
  }
  const dimension = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= IMAGE_MAX_DIMENSION;
  if (!dimension(width) || !dimension(height)) {
    return refuse(
      'INVALID_IMAGE_SIZE',
      `사진 크기는 1–${IMAGE_MAX_DIMENSION.toLocaleString('en-US')}픽셀이어야 합니다.`,
      `image.width and image.height must be whole numbers of pixels from 1 to ${IMAGE_MAX_DIMENSION}.`,
    );
  }
  return accept({ key, width, height });
}

function invalidListing(field: string, ko: string, en: string): Refusal {
  return refuse('INVALID_LISTING', `매물 정보가 올바르지 않습니다: ${ko}`, `listing.${field} ${en}.`);
}

function optionalText(value: unknown, max: number): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return false;
  const text = value.normalize('NFC').trim();
  if (codePointLength(text) > max) return false;
  return text === '' ? undefined : text;
}

function isHttpsUrl(value: string): boolean {
  if (value.length > URL_MAX_LENGTH || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.username === '' && url.password === '';
}

/** A LISTING_CARD's snapshot: what the listing showed when it was sent, kept as sent. */
function validateListing(listing: SendMessageInput['listing']): Decision<ListingSnapshot> {
  if (!listing) {
    return refuse(
      'LISTING_REQUIRED',
      '보낼 매물 정보가 없습니다.',
      'A LISTING_CARD message needs a listing.',
    );
  }
  const { listingId, complexId, priceWon, exclusiveAreaM2, thumbnailUrl } = listing;
  if (typeof listingId !== 'string' || !LEGACY_ID.test(listingId)) {
    return invalidListing('listingId', '매물 ID', 'is not a valid id');
  }
  if (
    complexId !== undefined &&
    complexId !== null &&
    (typeof complexId !== 'string' || !LEGACY_ID.test(complexId))
  ) {
    return invalidListing('complexId', '단지 ID', 'is not a valid id');
  }
  // 원 (won) have no fractions: the Legacy API's prices are whole numbers.
  if (typeof priceWon !== 'number' || !Number.isSafeInteger(priceWon) || priceWon < 0) {
    return invalidListing('priceWon', '가격', 'must be a whole number of won, 0 or more');
  }
  if (typeof exclusiveAreaM2 !== 'number' || !Number.isFinite(exclusiveAreaM2) || exclusiveAreaM2 <= 0) {
    return invalidListing('exclusiveAreaM2', '전용면적', 'must be a positive number of m²');
  }
  const address = optionalText(listing.address, ADDRESS_MAX_CHARACTERS);
  if (!address) {
    return invalidListing('address', '주소', `must be 1–${ADDRESS_MAX_CHARACTERS} characters`);
  }
  const title = optionalText(listing.title, TITLE_MAX_CHARACTERS);
  if (title === false)
    return invalidListing('title', '매물 이름', `must be at most ${TITLE_MAX_CHARACTERS} characters`);
  if (
    thumbnailUrl !== undefined &&
    thumbnailUrl !== null &&
    (typeof thumbnailUrl !== 'string' || !isHttpsUrl(thumbnailUrl))
  ) {
    return invalidListing('thumbnailUrl', '사진 주소', 'must be an https URL');
  }
  return accept({
    listingId,
    ...(complexId ? { complexId } : {}),
    ...(title ? { title } : {}),
    priceWon,
    exclusiveAreaM2,
    address,
    ...(thumbnailUrl ? { thumbnailUrl } : {}),
  });
}

// Fixed forever: a retried send must keep mapping to the row its first attempt wrote.
const MESSAGE_ID_NAMESPACE = '595ad51e-3ddb-4a23-8cb3-32a6dcc243b1';

/** The message's id: a retried send (same sender, same clientMessageId) lands on the same row. */
export function messageIdFor(senderId: string, clientMessageId: string): string {
  return nameBasedUuid(MESSAGE_ID_NAMESPACE, JSON.stringify([senderId, clientMessageId]));
}

export function isMember(
  conversation: Pick<ConversationRow, 'memberIds'> | undefined,
  userId: string,
): boolean {
  return conversation?.memberIds.includes(userId) ?? false;
}

export function planMessage(
  message: ValidatedMessage,
  context: { senderId: string; memberIds: readonly string[]; now: Date },
): MessageItem {
  const at = context.now.toISOString();
  return {
    __typename: 'Message',
    id: messageIdFor(context.senderId, message.clientMessageId),
    conversationId: message.conversationId,
    createdAt: at,
    updatedAt: at,
    senderId: context.senderId,
    memberIds: [...context.memberIds],
    kind: message.kind,
    ...(message.body === undefined ? {} : { body: message.body }),
    ...(message.image ? { image: { ...message.image } } : {}),
    ...(message.listing ? { listing: { ...message.listing } } : {}),
    clientMessageId: message.clientMessageId,
  };
}
