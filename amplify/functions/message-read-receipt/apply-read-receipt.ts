import { type ChatEvent, conversationReadEvent } from '../shared/chat/chat-events';
import { logger } from '../shared/logger';
import type { BadgeCount } from '../shared/push/badge';
import type { PushRequest } from '../shared/push/push-request';
import type { ReadReceipt } from './read-receipt';
import { resetUnread, type UnreadResetStore } from './unread-reset';

export interface ReadReceiptDeps {
  store: UnreadResetStore;
  /** Publishes on SNS chat-events. */
  publish: (event: ChatEvent) => Promise<void>;
  badge: (userId: string) => Promise<BadgeCount>;
  /** Queues on the push queue. */
  queue: (requests: PushRequest[]) => Promise<void>;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The badge after the reset. The badge count lists memberships from an index that may not show
 * our write yet, so this conversation's share is replaced by the count we know the row has.
 */
export function badgeAfterReset(
  badge: BadgeCount,
  conversationId: string,
  unread: number | undefined,
): number {
  if (unread === undefined) return badge.total;
  return Math.max(0, badge.total - (badge.byConversation.get(conversationId) ?? 0) + Math.max(0, unread));
}

/** A silent push that updates the app icon's badge on the reader's other devices. */
export function badgePushRequest(receipt: ReadReceipt, badge: number): PushRequest {
  return {
    version: 1,
    // The same read queues the same id, so a retried record sends nothing twice.
    pushId: `badge:${receipt.readerId}:${receipt.conversationId}:${receipt.lastReadAt}`,
    recipientId: receipt.readerId,
    kind: 'badge',
    badge,
    data: { type: 'badge', conversationId: receipt.conversationId },
    createdAt: receipt.lastReadAt,
  };
}

/**
 * A member read further: reset their unread count, tell the Legacy API, refresh their badge.
 * Each step can be repeated by a retried record: the reset recounts, the event and the push keep
 * their ids.
 */
export async function applyReadReceipt(receipt: ReadReceipt, deps: ReadReceiptDeps): Promise<void> {
  const key = { conversationId: receipt.conversationId, userId: receipt.readerId };
  const unread = await resetUnread(key, deps.store, {
    now: deps.now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  // Ids only: no message text, no account data.
  logger.debug('unread reset', {
    conversationId: receipt.conversationId,
    unread,
    memberLeft: unread === undefined,
  });
  await deps.publish(conversationReadEvent(receipt));
  const badge = badgeAfterReset(await deps.badge(receipt.readerId), receipt.conversationId, unread);
  await deps.queue([badgePushRequest(receipt, badge)]);
}
