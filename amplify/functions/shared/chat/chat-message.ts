import type { Schema } from '../../../data/resource';

/**
 * Message and ConversationMember rows as their tables store them, i.e. as a stream image
 * unmarshals (optional attributes are absent or `null`): the schema's types without relations;
 * `updatedAt` is set by AppSync on every write (the row's version for conditional updates).
 */

export type MessageKind = Schema['MessageKind']['type'];
export type MemberRole = Schema['MemberRole']['type'];
export type ConversationKind = Schema['ConversationKind']['type'];

export type ImageAttachment = Schema['ImageAttachment']['type'];
/** What a LISTING_CARD showed at send time. */
export type ListingSnapshot = Schema['ListingSnapshot']['type'];

export type MessageRow = Omit<Schema['Message']['type'], 'updatedAt'> & { updatedAt?: string };

export type ConversationMemberRow = Omit<
  Schema['ConversationMember']['type'],
  'conversation' | 'createdAt' | 'updatedAt'
> & { updatedAt?: string };

/** Longest preview, in user-perceived characters, before the ellipsis. */
export const PREVIEW_MAX_CHARACTERS = 100;

export const IMAGE_PREVIEW = '사진'; // "photo"
export const LISTING_PREVIEW = '매물 정보'; // "listing details"
/** For a text message without text, which the app never sends but the model allows. */
export const EMPTY_TEXT_PREVIEW = '새 메시지'; // "new message"

const graphemes = new Intl.Segmenter('ko', { granularity: 'grapheme' });

/** Whitespace collapsed to single spaces, cut at `max` graphemes (never inside an emoji) with `…`. */
export function shortText(text: string, max = PREVIEW_MAX_CHARACTERS): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const characters = Array.from(graphemes.segment(oneLine), (segment) => segment.segment);
  if (characters.length <= max) return oneLine;
  return `${characters.slice(0, max).join('').trimEnd()}…`;
}

/** The one line a push and the conversation list show for a message. */
export function messagePreview(message: Pick<MessageRow, 'kind' | 'body'>): string {
  switch (message.kind) {
    case 'IMAGE':
      return IMAGE_PREVIEW;
    case 'LISTING_CARD':
      return LISTING_PREVIEW;
    default:
      return shortText(message.body ?? '') || EMPTY_TEXT_PREVIEW;
  }
}

/** Whether a message notifies the other members: everything but SYSTEM messages not marked `notify`. */
export function notifiesMembers(message: Pick<MessageRow, 'kind' | 'notify' | 'deletedAt'>): boolean {
  if (message.deletedAt) return false;
  return message.kind !== 'SYSTEM' || message.notify === true;
}

/** An ISO instant in epoch milliseconds, or undefined when absent or unreadable. */
export function instantMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
