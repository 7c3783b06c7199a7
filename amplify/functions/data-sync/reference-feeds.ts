import { z } from 'zod';

/**
 * The three reference-data feeds of the Legacy API (docs/legacy-api.md) and how one feed item
 * becomes a row of its model table, as pure functions. Every feed pages the same way:
 * `GET <path>?updatedSince&cursor&limit`, oldest change first, `deleted: true` for a tombstone.
 */

/** In sync order: listings name their complex, and a BrokerProfile write retries waiting inquiries, which need listings. */
export const FEED_NAMES = ['complexes', 'listings', 'brokers'] as const;
export type FeedName = (typeof FEED_NAMES)[number];

export function isFeedName(value: unknown): value is FeedName {
  return typeof value === 'string' && (FEED_NAMES as readonly string[]).includes(value);
}

/** A row to create or update: the synced fields to SET and the absent ones to REMOVE. */
export interface UpsertEntry {
  kind: 'upsert';
  id: string;
  /** The item's updatedAt, normalized to `toISOString()` so stored values compare as strings. */
  updatedAt: string;
  set: Record<string, unknown>;
  remove: string[];
}

export interface DeleteEntry {
  kind: 'delete';
  id: string;
  updatedAt: string;
}

export interface InvalidEntry {
  kind: 'invalid';
  /** When the item has a usable id: logged so the legacy side can fix the row. */
  id?: string;
  /** Field paths that failed; never their values (names, addresses). */
  fields: string[];
  /** A readable updatedAt still moves the watermark: the fixed row comes back with a newer one. */
  updatedAt?: string;
}

export type FeedEntry = UpsertEntry | DeleteEntry | InvalidEntry;

export interface FeedDefinition {
  name: FeedName;
  path: string;
  /** The model's GraphQL type name, written as `__typename` like AppSync's own rows. */
  typename: 'Complex' | 'Listing' | 'BrokerProfile';
  /** App-owned fields a new row starts with (AppSync's `.default()` is not applied to direct writes). */
  defaults: Record<string, unknown>;
  parseItem(raw: unknown): FeedEntry;
}

/** The legacy ids other functions accept (conversation-link's rule). */
const LEGACY_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
/** 5-digit 시군구 (district) or 10-digit 법정동 (legal-dong) code. */
const REGION_CODE = /^\d{5}(\d{5})?$/;

const legacyId = z.string().regex(LEGACY_ID);
const instant = z
  .string()
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());
/** Absent, null and blank all mean "the legacy side has no value": the field is removed. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value === null || value === undefined || value.trim() === '' ? undefined : value));
const optionalPositive = z.number().finite().positive().nullish();
const optionalInteger = z.number().int().nullish();

const tombstone = z.object({ id: legacyId, updatedAt: instant, deleted: z.literal(true) });

function issuesOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.path.join('.') || '(item)'))];
}

/**
 * Tombstone or row through `schema`; an item that fits neither is invalid, with its id when the
 * id itself is well-formed.
 */
function parseWith<S extends z.ZodTypeAny>(
  raw: unknown,
  schema: S,
  toEntry: (item: z.output<S>) => { set: Record<string, unknown>; keep?: readonly string[] },
): FeedEntry {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  const knownId = legacyId.safeParse(record?.id);
  const knownUpdatedAt = instant.safeParse(record?.updatedAt);
  const invalid = (fields: string[]): InvalidEntry => ({
    kind: 'invalid',
    ...(knownId.success ? { id: knownId.data } : {}),
    fields,
    ...(knownUpdatedAt.success ? { updatedAt: knownUpdatedAt.data } : {}),
  });
  if (record?.deleted !== undefined && record.deleted !== null && record.deleted !== false) {
    const parsed = tombstone.safeParse(record);
    return parsed.success
      ? { kind: 'delete', id: parsed.data.id, updatedAt: parsed.data.updatedAt }
      : invalid(issuesOf(parsed.error));
  }
  const parsed = schema.safeParse(record);
  if (!parsed.success) return invalid(issuesOf(parsed.error));
  const { set, keep = [] } = toEntry(parsed.data);
  const present: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [field, value] of Object.entries(set)) {
    if (value !== undefined && value !== null) present[field] = value;
    else if (!keep.includes(field)) remove.push(field);
  }
  const item = parsed.data as { id: string; updatedAt: string };
  return { kind: 'upsert', id: item.id, updatedAt: item.updatedAt, set: present, remove };
}

const complexItem = z.object({
  id: legacyId,
  name: z.string().trim().min(1),
  regionCode: z.string().regex(/^\d{10}$/),
  dong: optionalText,
  jibun: z.string().trim().min(1),
  builtYear: optionalInteger,
  households: z.number().int().nonnegative().nullish(),
  updatedAt: instant,
  deleted: z.literal(false).nullish(),
});

export const complexesFeed: FeedDefinition = {
  name: 'complexes',
  path: '/v1/complexes',
  typename: 'Complex',
  defaults: {},
  parseItem: (raw) =>
    parseWith(raw, complexItem, (item) => ({
      set: {
        name: item.name,
        regionCode: item.regionCode,
        // 시군구 code: the first 5 digits, what the public 실거래 data names a district by.
        lawdCode: item.regionCode.slice(0, 5),
        dong: item.dong,
        jibun: item.jibun,
        builtYear: item.builtYear,
        households: item.households,
      },
    })),
};

const listingItem = z.object({
  id: legacyId,
  complexId: legacyId,
  complexName: optionalText,
  regionCode: z.string().regex(REGION_CODE),
  address: optionalText,
  priceWon: optionalPositive,
  exclusiveAreaM2: optionalPositive,
  floor: optionalInteger,
  status: z.enum(['ACTIVE', 'SOLD', 'WITHDRAWN']),
  thumbnailUrl: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//i.test(url))
    .nullish(),
  updatedAt: instant,
  deleted: z.literal(false).nullish(),
});

export const listingsFeed: FeedDefinition = {
  name: 'listings',
  path: '/v1/listings',
  typename: 'Listing',
  defaults: {},
  parseItem: (raw) =>
    parseWith(raw, listingItem, (item) => ({
      set: {
        complexId: item.complexId,
        complexName: item.complexName,
        regionCode: item.regionCode,
        address: item.address,
        priceWon: item.priceWon,
        exclusiveAreaM2: item.exclusiveAreaM2,
        floor: item.floor,
        status: item.status,
        thumbnailUrl: item.thumbnailUrl,
      },
    })),
};

const brokerItem = z.object({
  id: legacyId,
  name: z.string().trim().min(1),
  officeName: optionalText,
  regionCodes: z.array(z.string().regex(REGION_CODE)),
  active: z.boolean(),
  userId: z.string().trim().min(1).max(128).nullish(),
  updatedAt: instant,
  deleted: z.literal(false).nullish(),
});

export const brokersFeed: FeedDefinition = {
  name: 'brokers',
  path: '/v1/brokers',
  typename: 'BrokerProfile',
  // broker-matching counts and orders by these; GraphQL reads expect openConversations' default.
  defaults: { openConversations: 0 },
  parseItem: (raw) =>
    parseWith(raw, brokerItem, (item) => ({
      set: {
        name: item.name,
        officeName: item.officeName,
        regionCodes: [...new Set(item.regionCodes)],
        active: item.active,
        userId: item.userId,
      },
      // The legacy side sends userId only once the broker linked their app account: absence is no unlink.
      keep: ['userId'],
    })),
};

export const FEEDS: Record<FeedName, FeedDefinition> = {
  complexes: complexesFeed,
  listings: listingsFeed,
  brokers: brokersFeed,
};

/** One page of a feed, as documented: `{ items: [...], nextCursor: string | null }`. */
export interface FeedPage {
  items: unknown[];
  nextCursor: string | undefined;
}

/** A 2xx answer that is not a feed page: nothing in it can be trusted, and the cursor cannot move. */
export class FeedPageShapeError extends Error {
  constructor(feed: FeedName) {
    super(`The Legacy API's ${feed} feed answered something other than { items: [...], nextCursor }`);
    this.name = 'FeedPageShapeError';
  }
}

export function parseFeedPage(feed: FeedName, body: unknown): FeedPage {
  const page = body as { items?: unknown; nextCursor?: unknown } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.items)) {
    throw new FeedPageShapeError(feed);
  }
  const { nextCursor } = page;
  if (
    nextCursor !== undefined &&
    nextCursor !== null &&
    (typeof nextCursor !== 'string' || nextCursor === '')
  ) {
    throw new FeedPageShapeError(feed);
  }
  return { items: page.items, nextCursor: nextCursor ?? undefined };
}

export interface PagePlan {
  upserts: UpsertEntry[];
  deletes: DeleteEntry[];
  invalid: InvalidEntry[];
  /** The newest updatedAt on the page (valid or not): where the watermark may move. */
  newest: string | undefined;
}

/** A page's items sorted into writes; an id seen twice keeps its newest version. */
export function planPage(definition: FeedDefinition, items: readonly unknown[]): PagePlan {
  const latest = new Map<string, UpsertEntry | DeleteEntry>();
  const invalid: InvalidEntry[] = [];
  let newest: string | undefined;
  for (const raw of items) {
    const entry = definition.parseItem(raw);
    if (entry.updatedAt !== undefined && (newest === undefined || entry.updatedAt > newest)) {
      newest = entry.updatedAt;
    }
    if (entry.kind === 'invalid') {
      invalid.push(entry);
      continue;
    }
    const seen = latest.get(entry.id);
    if (!seen || seen.updatedAt <= entry.updatedAt) latest.set(entry.id, entry);
  }
  const entries = [...latest.values()];
  return {
    upserts: entries.filter((entry): entry is UpsertEntry => entry.kind === 'upsert'),
    deletes: entries.filter((entry): entry is DeleteEntry => entry.kind === 'delete'),
    invalid,
    newest,
  };
}
