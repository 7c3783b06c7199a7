import type { Schema } from '../../data/resource';
import type { PushRequest } from '../shared/push/push-request';

/** A Notification row as the stream carries it. */
export type NotificationRow = Omit<Schema['Notification']['type'], 'type' | 'updatedAt'> & {
  /** A NotificationType name: the stream may carry one this code does not know. */
  type: string;
};

/** 정보통신망법 시행령 제61조: an advertisement starts with "(광고)". */
export const ADVERTISING_MARK = '(광고)';
/** …and says how to refuse further advertising, free of charge. */
export const OPT_OUT_NOTICE = '수신거부: 앱 설정 > 알림 설정';

/** The push title of an advertisement: "(광고)" first, unless the row's title already starts with it. */
export function advertisingTitle(title: string): string {
  const trimmed = title.trimStart();
  return trimmed.startsWith(ADVERTISING_MARK) ? trimmed : `${ADVERTISING_MARK} ${trimmed}`;
}

/** The push body of an advertisement: the opt-out notice last, unless the row's body has one. */
export function advertisingBody(body: string): string {
  return body.includes('수신거부') ? body : `${body}\n${OPT_OUT_NOTICE}`;
}

export const notificationPushId = (notificationId: string) => `notification:${notificationId}`;
export const notificationInboxLink = (notificationId: string) => `bootalk://notifications/${notificationId}`;

/**
 * The badge a push for `notification` should carry, from the stored total. The total lists the
 * user's notifications from an index that may not show the new row yet: the handler first asks
 * whether the index lists it (`listed`). Not listed → add it; this overcounts by one only when the
 * row appears between the two reads, and never undercounts. Listed → the total includes it, and a
 * push for an unread notification never shows less than 1.
 */
export function notificationBadge(input: {
  total: number;
  listed: boolean;
  notification: Pick<NotificationRow, 'readAt'>;
}): number {
  if (input.notification.readAt) return input.total;
  return input.listed ? Math.max(input.total, 1) : input.total + 1;
}

/**
 * The push for a notification. Its id names the notification, so a retried stream record queues
 * the same request and push-sender sends it once.
 */
export function notificationPushRequest(
  notification: NotificationRow,
  options: { advertising: boolean; badge?: number | undefined },
): PushRequest {
  const deepLink = notification.deepLink?.trim() || notificationInboxLink(notification.id);
  const title = options.advertising ? advertisingTitle(notification.title) : notification.title;
  const body = options.advertising ? advertisingBody(notification.body) : notification.body;
  return {
    version: 1,
    kind: 'alert',
    pushId: notificationPushId(notification.id),
    recipientId: notification.userId,
    title,
    body,
    ...(options.badge === undefined ? {} : { badge: options.badge }),
    deepLink,
    // A newer alert about the same listing, announcement or transaction replaces the older one.
    ...(notification.subjectId
      ? { collapseKey: `notification-${notification.type}-${notification.subjectId}` }
      : {}),
    threadId: `notification-${notification.type}`,
    data: {
      type: 'notification',
      notificationType: notification.type,
      notificationId: notification.id,
      deepLink,
      // Lets push-sender hold an advertisement that reaches it after 21:00 KST.
      advertising: String(options.advertising),
    },
    createdAt: notification.createdAt,
  };
}
