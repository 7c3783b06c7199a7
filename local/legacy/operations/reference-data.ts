import {
  LegacyBadRequest,
  type LegacyOperation,
  type LegacyOperationRequest,
  parseInstant,
} from '../operation';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

interface Versioned {
  id: string;
  updatedAt: string;
}

/** An opaque cursor: the (updatedAt, id) of the last item of the previous page. */
function encodeCursor(item: Versioned): string {
  return Buffer.from(JSON.stringify([item.updatedAt, item.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return decoded as [string, string];
    }
  } catch {}
  throw new LegacyBadRequest('"cursor" is not a cursor this API returned', 'invalid_cursor');
}

function compareVersions(a: Versioned, b: Versioned): number {
  const byTime = Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keyset pagination over items changed at or after `updatedSince` (inclusive: a sync that keeps the
 * newest updatedAt it saw never misses a row changed in the same millisecond, and sees it again).
 */
export function changedSince<T extends Versioned>(
  items: readonly T[],
  request: LegacyOperationRequest,
): { items: T[]; nextCursor: string | null } {
  const { query } = request;
  const updatedSince = query.get('updatedSince');
  const sinceMs = updatedSince ? parseInstant(updatedSince, 'updatedSince') : Number.NEGATIVE_INFINITY;
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new LegacyBadRequest(`"limit" must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const cursorText = query.get('cursor');
  const after = cursorText ? decodeCursor(cursorText) : undefined;
  const afterItem = after ? { updatedAt: after[0], id: after[1] } : undefined;

  const matching = items
    .filter((item) => Date.parse(item.updatedAt) >= sinceMs)
    .filter((item) => !afterItem || compareVersions(item, afterItem) > 0)
    .sort(compareVersions);
  const page = matching.slice(0, limit);
  const nextCursor = matching.length > limit ? encodeCursor(page[page.length - 1]!) : null;
  return { items: page, nextCursor };
}

/** `GET /v1/brokers`: brokers (중개사) changed since, with tombstones for removed ones; never phone numbers. */
export const getBrokers: LegacyOperation = (request, store) => {
  const page = changedSince(store.data.brokers, request);
  return {
    status: 200,
    body: {
      items: page.items.map((broker) => ({
        id: broker.id,
        name: broker.name,
        officeName: broker.officeName,
        regionCodes: broker.regionCodes,
        active: broker.active,
        ...(broker.userId ? { userId: broker.userId } : {}),
        updatedAt: broker.updatedAt,
        ...(broker.deleted ? { deleted: true } : {}),
      })),
      nextCursor: page.nextCursor,
    },
  };
};

/** `GET /v1/listings`: listing reference data changed since. */
export const getListings: LegacyOperation = (request, store) => {
  const page = changedSince(store.data.listings, request);
  return {
    status: 200,
    body: {
      items: page.items.map((listing) => ({
        id: listing.id,
        complexId: listing.complexId,
        complexName: listing.complexName,
        regionCode: listing.regionCode,
        address: listing.address,
        priceWon: listing.priceWon,
        exclusiveAreaM2: listing.exclusiveAreaM2,
        floor: listing.floor,
        status: listing.status,
        thumbnailUrl: listing.thumbnailUrl,
        updatedAt: listing.updatedAt,
        ...(listing.deleted ? { deleted: true } : {}),
      })),
      nextCursor: page.nextCursor,
    },
  };
};

/** `GET /v1/complexes`: apartment complexes (단지) changed since, with tombstones. */
export const getComplexes: LegacyOperation = (request, store) => {
  const versioned = store.data.complexes.map((complex) => ({
    ...complex,
    updatedAt: complex.updatedAt ?? new Date(0).toISOString(),
  }));
  const page = changedSince(versioned, request);
  return {
    status: 200,
    body: {
      items: page.items.map((complex) => ({
        id: complex.id,
        name: complex.name,
        regionCode: complex.regionCode,
        dong: complex.dong,
        jibun: complex.jibun,
        builtYear: complex.builtYear,
        households: complex.households,
        updatedAt: complex.updatedAt,
        ...(complex.deleted ? { deleted: true } : {}),
      })),
      nextCursor: page.nextCursor,
    },
  };
};
