import { expiresAfterDays, notificationId } from '../notifications/notification-create';

/**
 * What the scheduled alerts decide (DESIGN §2, functions 11–13), as pure functions: which
 * targets are well-formed, which subscription hears about which item, the Notification rows that
 * makes, and how far a run got. alert-run.ts does the I/O around them.
 */

export const ALERT_KINDS = ['LOWEST_PRICE', 'PRESALE', 'REAL_TRANSACTION'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}

/** An AlertSubscription row as the kind-and-target index returns it. */
export interface AlertSubscriptionRow {
  id: string;
  userId: string;
  kind: AlertKind;
  /** complexId (LOWEST_PRICE, REAL_TRANSACTION) or a region code (PRESALE). */
  target: string;
  thresholdWon?: number | null;
  label?: string | null;
}

/** Legacy complex ids (`CPX-1001`); the same rule as conversation-link's legacy ids, without `,` (the feeds' separator). */
const COMPLEX_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
/** 5-digit 시군구 code or 10-digit 법정동 code. */
const REGION_CODE_PATTERN = /^\d{5}(\d{5})?$/;

/**
 * A subscription's target in its canonical form, or undefined when it is not one. PRESALE takes a
 * 시군구 code (`11680`, all of 강남구) or a 법정동 code (`1168010600`, 대치동); a 법정동 code that
 * names a whole 시군구 (`1168000000`) becomes its 5 digits, because the feed matches codes by
 * prefix. A 시도-wide code (`11000`, all of Seoul) is refused: too broad for an alert.
 */
export function canonicalAlertTarget(kind: AlertKind, raw: string): string | undefined {
  const value = raw.trim();
  if (kind !== 'PRESALE') return COMPLEX_ID_PATTERN.test(value) ? value : undefined;
  if (!REGION_CODE_PATTERN.test(value)) return undefined;
  const target = value.length === 10 && value.endsWith('00000') ? value.slice(0, 5) : value;
  return target.slice(2, 5) === '000' ? undefined : target;
}

/**
 * The Notification id for one user, kind and subject (listing, announcement, transaction). The
 * same item found again, by a later run or a resumed one, makes the same id, and AppSync's create
 * refuses an existing id: a user is told about a subject once. A user id and a kind hold no `:`,
 * so the joined string is unambiguous.
 */
export function notificationIdFor(userId: string, kind: AlertKind, subjectId: string): string {
  return notificationId(`${userId}:${kind}:${subjectId}`);
}

/** How long the inbox keeps an alert (the Notification table's TTL, `expiresAt`). */
export const ALERT_NOTIFICATION_TTL_DAYS = 90;

export interface AlertMessage {
  title: string;
  body: string;
  deepLink: string;
}

/** One kind of alert: its Legacy feed and how an item becomes a notification. */
export interface AlertDefinition<Item> {
  kind: AlertKind;
  /** The feed's path and query for these targets (at most 100) and `since` (an ISO instant). */
  feedPath(targets: readonly string[], since: string): string;
  /** The feed's well-formed items; throws FeedShapeError when the body is not a feed at all. */
  parseFeed(body: unknown): { items: Item[]; malformed: number };
  /** Whether the item is about this target (complex equality, region prefix). */
  isAbout(item: Item, target: string): boolean;
  /** Whether this subscriber wants it (LOWEST_PRICE: at or under their threshold). */
  wants(item: Item, subscription: AlertSubscriptionRow): boolean;
  subjectId(item: Item): string;
  message(item: Item, subscription: AlertSubscriptionRow): AlertMessage;
}

/** A 2xx answer that is not the documented feed: nothing in it can be trusted. */
export class FeedShapeError extends Error {
  constructor(what: string) {
    super(`The Legacy API's ${what} feed answered something other than { items: [...] }`);
    this.name = 'FeedShapeError';
  }
}

/**
 * A feed body's items through `parseItem`; an item it refuses (undefined) is counted as malformed
 * and left out, a body without an `items` array is a FeedShapeError.
 */
export function parseFeedItems<Item>(
  body: unknown,
  what: string,
  parseItem: (raw: Record<string, unknown>) => Item | undefined,
): { items: Item[]; malformed: number } {
  const raw = (body as { items?: unknown } | null)?.items;
  if (typeof body !== 'object' || body === null || !Array.isArray(raw)) throw new FeedShapeError(what);
  const items: Item[] = [];
  for (const entry of raw) {
    const item =
      typeof entry === 'object' && entry !== null ? parseItem(entry as Record<string, unknown>) : undefined;
    if (item) items.push(item);
  }
  return { items, malformed: raw.length - items.length };
}

export const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
export const isPositive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;
export const optionalText = (value: unknown): string | undefined => (isText(value) ? value : undefined);

/** A target and its subscriptions, as the index groups them. */
export interface TargetGroup {
  target: string;
  subscriptions: AlertSubscriptionRow[];
}

/** The Notification row to create (all of its fields but readAt and updatedAt). */
export interface NotificationInput {
  id: string;
  userId: string;
  type: AlertKind;
  title: string;
  body: string;
  deepLink: string;
  subjectId: string;
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Where a notification sits in a run's order: by target, then user, then subject. */
export interface DraftKey {
  target: string;
  userId: string;
  subjectId: string;
}

export interface NotificationDraft {
  key: DraftKey;
  notification: NotificationInput;
}

/**
 * How far a run got: every notification up to here (in DraftKey order) is created. Without
 * `upTo`, all of `target` is done; with it, the target is done up to that user and subject.
 */
export interface AlertPosition {
  target: string;
  upTo?: { userId: string; subjectId: string };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareDraftKeys(a: DraftKey, b: DraftKey): number {
  return compare(a.target, b.target) || compare(a.userId, b.userId) || compare(a.subjectId, b.subjectId);
}

/** Whether a resumed run already created this notification (or passed it by). */
export function isDone(key: DraftKey, position: AlertPosition | undefined): boolean {
  if (!position) return false;
  const byTarget = compare(key.target, position.target);
  if (byTarget !== 0) return byTarget < 0;
  if (!position.upTo) return true;
  return compareDraftKeys(key, { target: key.target, ...position.upTo }) <= 0;
}

/** The position after a draft is done. */
export function positionAfter(key: DraftKey): AlertPosition {
  return { target: key.target, upTo: { userId: key.userId, subjectId: key.subjectId } };
}

/**
 * The notifications a chunk of targets makes from the items the feed returned for it, in
 * DraftKey order, one per id (a user whose subscriptions overlap, 강남구 and 대치동, hears once).
 */
export function planNotifications<Item>(
  definition: AlertDefinition<Item>,
  groups: readonly TargetGroup[],
  items: readonly Item[],
  now: Date,
): NotificationDraft[] {
  const createdAt = now.toISOString();
  const expiresAt = expiresAfterDays(now, ALERT_NOTIFICATION_TTL_DAYS);
  const drafts = new Map<string, NotificationDraft>();
  const ordered = [...groups].sort((a, b) => compare(a.target, b.target));
  for (const group of ordered) {
    const about = items.filter((item) => definition.isAbout(item, group.target));
    if (about.length === 0) continue;
    const subscriptions = [...group.subscriptions].sort((a, b) => compare(a.userId, b.userId));
    for (const subscription of subscriptions) {
      for (const item of about) {
        if (!definition.wants(item, subscription)) continue;
        const subjectId = definition.subjectId(item);
        const id = notificationIdFor(subscription.userId, definition.kind, subjectId);
        if (drafts.has(id)) continue;
        drafts.set(id, {
          key: { target: group.target, userId: subscription.userId, subjectId },
          notification: {
            id,
            userId: subscription.userId,
            type: definition.kind,
            ...definition.message(item, subscription),
            subjectId,
            createdAt,
            expiresAt,
          },
        });
      }
    }
  }
  return [...drafts.values()].sort((a, b) => compareDraftKeys(a.key, b.key));
}
