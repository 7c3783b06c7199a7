import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PermanentRecordError } from '../errors';

/**
 * One message on the `notice` queue: an admin notice (공지) published on the legacy side, which
 * notice-broadcast turns into one NOTICE Notification per targeted user. Producers: the legacy
 * webhook (`notice.published`), and notice-broadcast itself when a broadcast continues in a new
 * invocation (the same body again).
 *
 * ```json
 * {
 *   "version": 1,
 *   "noticeId": "N-2026-0314-01",
 *   "title": "서비스 점검 안내",
 *   "body": "3월 15일 02:00–04:00 서비스 점검이 있습니다.",
 *   "deepLink": "bootalk://notice/N-2026-0314-01",
 *   "segment": { "roles": ["BROKER"], "regionCodes": ["11680"] },
 *   "publishedAt": "2026-03-14T09:00:00+09:00"
 * }
 * ```
 *
 * - `noticeId` names the notice: one Notification per user and notice, however often it is queued.
 * - `segment` is `"ALL"` (every user) or an object with `roles` and/or `regionCodes`; a user must
 *   match every list given. A user without a role counts as `USER`. Region codes are 법정동 codes
 *   (legal-district codes) of 2 (시도), 5 (시군구), 8 (읍면동) or 10 digits; a user matches when one of
 *   their own region codes lies within one of the segment's (`11` matches a user in `11680`).
 * - `deepLink`, when present, is a `bootalk://` link or an https URL.
 */
export type NoticeRole = 'USER' | 'BROKER' | 'ADMIN';

export interface NoticeSegment {
  roles?: NoticeRole[];
  regionCodes?: string[];
}

export interface NoticeRequest {
  version: 1;
  noticeId: string;
  title: string;
  body: string;
  deepLink?: string;
  segment: NoticeSegment | 'ALL';
  /** When the notice was published on the legacy side (ISO 8601 with an offset). */
  publishedAt: string;
}

export const NOTICE_ROLES: readonly NoticeRole[] = ['USER', 'BROKER', 'ADMIN'];

export const NOTICE_LIMITS = {
  /** Characters (code points): the inbox shows the title on one line. */
  titleMax: 100,
  bodyMax: 2000,
  deepLinkMax: 2048,
  regionCodesMax: 100,
} as const;

/** It becomes part of Notification ids and of the broadcast's progress key. */
const NOTICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const REGION_CODE = /^(?:\d{2}|\d{5}|\d{8}|\d{10})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const codePoints = (text: string) => Array.from(text).length;

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && codePoints(value) <= max;
}

function isDeepLink(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > NOTICE_LIMITS.deepLinkMax) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'bootalk:' || url.protocol === 'https:';
}

/** Distinct entries of a non-empty list whose entries all pass `valid`; undefined if it is not one. */
function distinctList<T extends string>(
  value: unknown,
  valid: (entry: unknown) => entry is T,
  max: number,
): T[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > max || !value.every(valid))
    return undefined;
  return [...new Set(value as T[])];
}

const isRole = (entry: unknown): entry is NoticeRole => NOTICE_ROLES.includes(entry as NoticeRole);
const isRegionCode = (entry: unknown): entry is string =>
  typeof entry === 'string' && REGION_CODE.test(entry);

function parseSegment(value: unknown, problems: string[]): NoticeSegment | 'ALL' {
  if (value === 'ALL') return 'ALL';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('segment must be "ALL" or an object');
    return 'ALL';
  }
  const { roles, regionCodes } = value as Record<string, unknown>;
  const segment: NoticeSegment = {};
  if (roles !== undefined) {
    const parsed = distinctList(roles, isRole, 10);
    if (parsed) segment.roles = parsed;
    else problems.push('segment.roles must be a non-empty list of USER, BROKER, ADMIN');
  }
  if (regionCodes !== undefined) {
    const parsed = distinctList(regionCodes, isRegionCode, NOTICE_LIMITS.regionCodesMax);
    if (parsed) segment.regionCodes = parsed;
    else
      problems.push(
        `segment.regionCodes must be a non-empty list of at most ${NOTICE_LIMITS.regionCodesMax} codes of 2, 5, 8 or 10 digits`,
      );
  }
  // An empty segment would reach everyone by accident: "ALL" says so on purpose.
  if (roles === undefined && regionCodes === undefined)
    problems.push('segment needs roles or regionCodes (or use "ALL")');
  return segment;
}

/** A queue message body as a NoticeRequest; a body that is not one can never be broadcast. */
export function parseNoticeRequest(body: string): NoticeRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PermanentRecordError('A notice request is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PermanentRecordError('A notice request is not an object');
  const raw = value as Record<string, unknown>;
  const problems: string[] = [];
  if (raw.version !== 1) problems.push('version must be 1');
  if (typeof raw.noticeId !== 'string' || !NOTICE_ID.test(raw.noticeId))
    problems.push('noticeId must be 1–128 letters, digits or . _ : -');
  if (!isText(raw.title, NOTICE_LIMITS.titleMax))
    problems.push(`title must be non-blank text of at most ${NOTICE_LIMITS.titleMax} characters`);
  if (!isText(raw.body, NOTICE_LIMITS.bodyMax))
    problems.push(`body must be non-blank text of at most ${NOTICE_LIMITS.bodyMax} characters`);
  if (raw.deepLink !== undefined && raw.deepLink !== null && !isDeepLink(raw.deepLink))
    problems.push('deepLink must be a bootalk:// link or an https URL');
  const segment = parseSegment(raw.segment, problems);
  if (
    typeof raw.publishedAt !== 'string' ||
    !INSTANT.test(raw.publishedAt) ||
    Number.isNaN(Date.parse(raw.publishedAt))
  )
    problems.push('publishedAt must be an ISO 8601 instant with an offset');
  // Field names only: never the notice's text.
  if (problems.length > 0) throw new PermanentRecordError(`Invalid notice request: ${problems.join('; ')}`);
  return {
    version: 1,
    noticeId: raw.noticeId as string,
    title: (raw.title as string).trim(),
    body: (raw.body as string).trim(),
    ...(typeof raw.deepLink === 'string' ? { deepLink: raw.deepLink } : {}),
    segment,
    publishedAt: raw.publishedAt as string,
  };
}

const sqs = new SQSClient({});

/** Puts a notice on the `notice` queue (the body is the request as JSON). */
export async function queueNotice(
  queueUrl: string,
  request: NoticeRequest,
  client: SQSClient = sqs,
): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(request),
      MessageAttributes: { noticeId: { DataType: 'String', StringValue: request.noticeId } },
    }),
  );
}
