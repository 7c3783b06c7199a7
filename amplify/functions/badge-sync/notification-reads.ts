import { accept, type Decision, refuse } from '../shared/decision';
import type { PushRequest } from '../shared/push/push-request';

/**
 * markNotificationsRead's decisions: what it marks (some of the caller's notifications, or all of
 * them), that every id is the caller's, and the badge it answers with.
 */

/** ids a call may name. */
export const MAX_IDS_PER_CALL = 100;
/** `all: true` marks at most this many (newest first); the returned badge says whether more remain. */
export const MARK_ALL_LIMIT = 100;
const ID_MAX_LENGTH = 256;

export type MarkReadTarget = { ids: string[] } | { all: true };

export interface MarkReadArguments {
  ids?: unknown;
  all?: unknown;
}

/** What the check needs of a notification row. */
export interface NotificationState {
  id: string;
  userId: string;
  readAt?: string | null;
}

export function validateMarkRead(args: MarkReadArguments): Decision<MarkReadTarget> {
  const { ids, all } = args;
  const hasIds = ids !== undefined && ids !== null;
  if (all !== undefined && all !== null && typeof all !== 'boolean') {
    return refuse('INVALID_ARGUMENTS', 'all 값이 올바르지 않습니다.', 'all must be true or false.');
  }
  if (all === true && hasIds) {
    return refuse(
      'MARK_READ_TARGET_AMBIGUOUS',
      'ids와 all: true를 함께 보낼 수 없습니다.',
      'Send either ids or all: true, not both.',
    );
  }
  if (all === true) return accept({ all: true });
  if (!hasIds) {
    return refuse(
      'MARK_READ_TARGET_REQUIRED',
      '읽음 처리할 알림 ids나 all: true를 보내주세요.',
      'Send the ids of the notifications to mark read, or all: true.',
    );
  }
  if (
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === 'string' && id !== '' && id.length <= ID_MAX_LENGTH)
  ) {
    return refuse(
      'INVALID_NOTIFICATION_ID',
      '알림 ID가 올바르지 않습니다.',
      'Every id must be a notification id.',
    );
  }
  const unique = [...new Set(ids as string[])];
  if (unique.length === 0 || unique.length > MAX_IDS_PER_CALL) {
    return refuse(
      'INVALID_ID_COUNT',
      `알림은 한 번에 1–${MAX_IDS_PER_CALL}개까지 읽음 처리할 수 있습니다.`,
      `Send 1 to ${MAX_IDS_PER_CALL} ids per call, or all: true.`,
    );
  }
  return accept({ ids: unique });
}

/**
 * The ids still to mark read, or a refusal when any id is not the caller's. A notification that
 * doesn't exist and another user's read the same, so the answer reveals neither.
 */
export function unreadOwnIds(
  ids: readonly string[],
  found: ReadonlyMap<string, NotificationState>,
  userId: string,
): Decision<string[]> {
  if (!ids.every((id) => found.get(id)?.userId === userId)) {
    return refuse(
      'NOTIFICATION_NOT_FOUND',
      '알림을 찾을 수 없습니다.',
      'Notification not found, or it is not yours.',
    );
  }
  return accept(ids.filter((id) => !found.get(id)?.readAt));
}

/** A silent push that updates the app icon's badge on the user's devices after a read. */
export function notificationsReadBadgePush(userId: string, badge: number, readAt: string): PushRequest {
  return {
    version: 1,
    // One per marking call: a client's retry that marks nothing new queues nothing.
    pushId: `badge:${userId}:notifications:${readAt}`,
    recipientId: userId,
    kind: 'badge',
    badge,
    data: { type: 'badge' },
    createdAt: readAt,
  };
}
