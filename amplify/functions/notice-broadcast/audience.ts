import type { NoticeRequest, NoticeRole, NoticeSegment } from '../shared/notifications/notice-request';
import {
  expiresAfterDays,
  type NewNotification,
  notificationId,
} from '../shared/notifications/notification-create';

/** What a broadcast reads of a UserProfile row (the scan projects nothing else: no phone). */
export interface AudienceProfile {
  id: string;
  role?: string | null;
  /** 법정동 codes of the regions the user follows; proposed on UserProfile for notice segments. */
  regionCodes?: unknown;
  deletedAt?: string | null;
}

/** The inbox keeps a notice this long (the Notification row's TTL). */
export const NOTICE_RETENTION_DAYS = 90;

/** A profile without a role is a plain user (user-post-confirmation writes USER). */
const roleOf = (profile: AudienceProfile): NoticeRole => (profile.role ?? 'USER') as NoticeRole;

function regionCodesOf(profile: AudienceProfile): string[] {
  return Array.isArray(profile.regionCodes)
    ? profile.regionCodes.filter((code): code is string => typeof code === 'string')
    : [];
}

/**
 * Whether a notice reaches this user: never a deleted account; with a segment, the user has one of
 * its roles (if it names roles) and follows a region inside one of its regions (if it names
 * regions). 법정동 codes nest by prefix: 11 (서울) ⊃ 11680 (강남구) ⊃ 1168010300 (역삼동).
 */
export function isInAudience(profile: AudienceProfile, segment: NoticeSegment | 'ALL'): boolean {
  if (!profile.id || profile.deletedAt) return false;
  if (segment === 'ALL') return true;
  if (segment.roles && !segment.roles.includes(roleOf(profile))) return false;
  if (segment.regionCodes) {
    const wanted = segment.regionCodes;
    if (!regionCodesOf(profile).some((own) => wanted.some((code) => own.startsWith(code)))) return false;
  }
  return true;
}

/** One id per notice and user: the create is conditional on it, so a user never gets a notice twice. */
export const noticeNotificationId = (noticeId: string, userId: string) =>
  notificationId(`notice:${noticeId}:${userId}`);

export function noticeNotification(request: NoticeRequest, userId: string, now: Date): NewNotification {
  return {
    id: noticeNotificationId(request.noticeId, userId),
    userId,
    type: 'NOTICE',
    title: request.title,
    body: request.body,
    ...(request.deepLink ? { deepLink: request.deepLink } : {}),
    subjectId: request.noticeId,
    createdAt: now.toISOString(),
    expiresAt: expiresAfterDays(now, NOTICE_RETENTION_DAYS),
  };
}
