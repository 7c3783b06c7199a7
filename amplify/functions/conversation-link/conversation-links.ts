import type { ConversationUpdate } from '../shared/chat/chat-store';
import type { ConversationRow } from '../shared/chat/conversation';
import { isMember } from '../shared/chat/send-message';
import { accept, conversationNotFound, type Decision, refuse } from '../shared/decision';
import { optionalLegacyId } from './conversation-plan';
import { createShareToken, type ShareLinkPayload, shareLinkExpiry } from './share-link';

/**
 * What ties a conversation to the legacy side's listings: a member links it to a listing and/or
 * complex (linkConversation), shares the linked listing (createShareLink), and anyone signed in
 * opens a share link (resolveShareLink) without learning anything about the conversation.
 */

export interface LinkChange {
  conversation: ConversationRow;
  /** Absent when the conversation already names these ids: nothing to write. */
  update?: ConversationUpdate;
}

export interface LinkRequest {
  callerId: string;
  /** As the client sent them; absent or null leaves that id as it is. */
  listingId?: unknown;
  complexId?: unknown;
}

function conversationClosed() {
  return refuse('CONVERSATION_CLOSED', '종료된 대화입니다.', 'This conversation is closed.');
}

/**
 * A member links the conversation to a listing, a complex or both. Linking another listing is
 * a correction and replaces the old one; the complex changes only when given, so a caller moving
 * the conversation to a listing in another complex gives both. The kind, id and dedupeKey stay:
 * startConversation for the same subject still finds the conversation it made.
 */
export function planLinkConversation(
  conversation: ConversationRow | undefined,
  request: LinkRequest,
): Decision<LinkChange> {
  if (!conversation || !isMember(conversation, request.callerId)) return conversationNotFound();
  const listingId = optionalLegacyId('listingId', request.listingId);
  if (!listingId.ok) return listingId;
  const complexId = optionalLegacyId('complexId', request.complexId);
  if (!complexId.ok) return complexId;
  if (!listingId.value && !complexId.value) {
    return refuse(
      'LINK_TARGET_REQUIRED',
      '연결할 매물 ID나 단지 ID를 입력해주세요.',
      'Give a listingId, a complexId or both to link.',
    );
  }
  if (conversation.status === 'CLOSED') return conversationClosed();

  const update: ConversationUpdate = { id: conversation.id };
  if (listingId.value && listingId.value !== conversation.listingId) update.listingId = listingId.value;
  if (complexId.value && complexId.value !== conversation.complexId) update.complexId = complexId.value;
  if (update.listingId === undefined && update.complexId === undefined) return accept({ conversation });
  return accept({ conversation: { ...conversation, ...update }, update });
}

export interface ShareLink {
  token: string;
  /** The deployment's share-link base with the token appended. */
  url: string;
  listingId: string;
  expiresAt: string;
}

export interface ShareLinkRequest {
  callerId: string;
  secret: string;
  /** Ends with `/` (config.shareLinkBaseUrl guarantees it). */
  baseUrl: string;
  now: Date;
  ttlMs?: number;
}

/** A member shares the listing the conversation is linked to. */
export function planShareLink(
  conversation: ConversationRow | undefined,
  request: ShareLinkRequest,
): Decision<ShareLink> {
  if (!conversation || !isMember(conversation, request.callerId)) return conversationNotFound();
  const { listingId } = conversation;
  if (!listingId) {
    return refuse(
      'LISTING_NOT_LINKED',
      '공유할 매물이 연결되지 않은 대화입니다.',
      'This conversation has no listing to share; link one with linkConversation first.',
    );
  }
  const { secret, baseUrl, now, ttlMs } = request;
  const token = createShareToken({ conversationId: conversation.id, listingId }, secret, now, ttlMs);
  return accept({
    token,
    url: `${baseUrl}${token}`,
    listingId,
    expiresAt: new Date(shareLinkExpiry(now, ttlMs) * 1000).toISOString(),
  });
}

export interface ResolvedShareLink {
  listingId: string;
  complexId: string | null;
  expiresAt: string;
}

/**
 * What a verified share link opens: its listing, and the complex the conversation names for that
 * listing (none once the conversation was re-linked elsewhere). Built field by field, so nothing
 * of the conversation (its id, members, messages) reaches someone who may not be a member.
 */
export function resolvedShareLink(
  payload: ShareLinkPayload,
  conversation: Pick<ConversationRow, 'listingId' | 'complexId'> | undefined,
): ResolvedShareLink {
  const complexId = conversation?.listingId === payload.listingId ? (conversation.complexId ?? null) : null;
  return {
    listingId: payload.listingId,
    complexId,
    expiresAt: new Date(payload.exp * 1000).toISOString(),
  };
}
