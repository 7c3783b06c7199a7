import type { Broker, Complex, Listing } from './sample-data';
import type { LegacyStore } from './store';

/**
 * Changing the stand-in's reference data while it runs (the inbox's
 * `PUT /api/legacy/reference/<kind>/<id>`): the way to try broker matching and data-sync by hand,
 * and the e2e tests' way to add a broker or a listing. The change is stamped `updatedAt = now`,
 * so the next data-sync run picks it up like a change made on the legacy side.
 */

export const REFERENCE_KINDS = ['brokers', 'listings', 'complexes'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export class ReferenceChangeError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const REGION_CODE = /^\d{5}(\d{5})?$/;

function text(body: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ReferenceChangeError(field, 'must be a non-empty string');
  }
  return value;
}

function flag(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ReferenceChangeError(field, 'must be true or false');
  return value;
}

function positive(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0))
    throw new ReferenceChangeError(field, 'must be a positive number');
  return value;
}

function regionCodes(body: Record<string, unknown>): string[] | undefined {
  const value = body.regionCodes;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((code) => REGION_CODE.test(String(code)))) {
    throw new ReferenceChangeError('regionCodes', 'must be a non-empty array of 5- or 10-digit region codes');
  }
  return value.map(String);
}

function upsert<T extends { id: string }>(list: T[], id: string, make: (existing: T | undefined) => T): T {
  const index = list.findIndex((item) => item.id === id);
  const item = make(index >= 0 ? list[index] : undefined);
  if (index >= 0) list[index] = item;
  else list.push(item);
  return item;
}

function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A listing's asking price as the Legacy API records it (docs/legacy-api.md, lowest-price feed):
 * a cut keeps the price before it in `previousPriceWon` and stamps `priceChangedAt`; a raise
 * clears both (they are present only when the price was lowered); no change keeps them.
 */
function priceChange(
  existing: Listing | undefined,
  priceWon: number | undefined,
  changedAt: string,
): Pick<Listing, 'previousPriceWon' | 'priceChangedAt'> {
  if (!existing || priceWon === undefined || priceWon === existing.priceWon) {
    return { previousPriceWon: existing?.previousPriceWon, priceChangedAt: existing?.priceChangedAt };
  }
  if (priceWon < existing.priceWon) return { previousPriceWon: existing.priceWon, priceChangedAt: changedAt };
  return { previousPriceWon: undefined, priceChangedAt: undefined };
}

/** Creates or changes one broker, listing or complex; unknown fields are refused. */
export function putReferenceItem(
  store: LegacyStore,
  kind: string,
  id: string,
  input: unknown,
  nowMs: number,
): Broker | Listing | Complex {
  if (!(REFERENCE_KINDS as readonly string[]).includes(kind)) {
    throw new ReferenceChangeError('kind', `must be one of ${REFERENCE_KINDS.join(', ')}`);
  }
  if (!ID.test(id)) throw new ReferenceChangeError('id', 'must be 1–64 letters, digits, _ or -');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ReferenceChangeError('body', 'must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  const updatedAt = new Date(nowMs).toISOString();
  const allowed: Record<ReferenceKind, string[]> = {
    brokers: ['name', 'officeName', 'regionCodes', 'active', 'userId', 'deleted'],
    listings: ['complexId', 'priceWon', 'exclusiveAreaM2', 'floor', 'status', 'deleted'],
    complexes: ['name', 'regionCode', 'dong', 'jibun', 'builtYear', 'households', 'deleted'],
  };
  const unknown = Object.keys(body).find((field) => !allowed[kind as ReferenceKind].includes(field));
  if (unknown) throw new ReferenceChangeError(unknown, `is not a field of ${kind}`);

  if (kind === 'brokers') {
    const fields = defined({
      name: text(body, 'name', false),
      officeName: text(body, 'officeName', false),
      regionCodes: regionCodes(body),
      active: flag(body, 'active'),
      userId: text(body, 'userId', false),
      deleted: flag(body, 'deleted'),
    });
    return upsert(store.data.brokers, id, (existing) => {
      if (!existing && (!fields.name || !fields.regionCodes)) {
        throw new ReferenceChangeError('body', 'a new broker needs name and regionCodes');
      }
      return { id, officeName: '', active: true, ...existing, ...fields, updatedAt } as Broker;
    });
  }
  if (kind === 'listings') {
    const status = body.status;
    if (status !== undefined && !['ACTIVE', 'SOLD', 'WITHDRAWN'].includes(String(status))) {
      throw new ReferenceChangeError('status', 'must be ACTIVE, SOLD or WITHDRAWN');
    }
    const complexId = text(body, 'complexId', false);
    const complex = complexId
      ? store.data.complexes.find((candidate) => candidate.id === complexId)
      : undefined;
    if (complexId && !complex) throw new ReferenceChangeError('complexId', 'is not a known complex');
    const fields = defined({
      priceWon: positive(body, 'priceWon'),
      exclusiveAreaM2: positive(body, 'exclusiveAreaM2'),
      floor: body.floor === undefined ? undefined : Number(body.floor),
      status: status as Listing['status'] | undefined,
      deleted: flag(body, 'deleted'),
    });
    return upsert(store.data.listings, id, (existing) => {
      const of = complex ?? store.data.complexes.find((candidate) => candidate.id === existing?.complexId);
      if (!of) throw new ReferenceChangeError('complexId', 'a new listing needs a known complexId');
      const area = fields.exclusiveAreaM2 ?? existing?.exclusiveAreaM2 ?? of.areasM2[0]!;
      return {
        listedAt: updatedAt,
        floor: 5,
        status: 'ACTIVE',
        priceWon: Math.round((area * of.wonPerM2) / 10_000_000) * 10_000_000,
        thumbnailUrl: `https://static.bootalk.local/listings/${id}.jpg`,
        ...existing,
        ...fields,
        ...priceChange(existing, fields.priceWon, updatedAt),
        id,
        exclusiveAreaM2: area,
        complexId: of.id,
        complexName: of.name,
        regionCode: of.regionCode,
        address: `${of.district} ${of.dong} ${of.jibun} ${of.name}`,
        updatedAt,
      } as Listing;
    });
  }
  const fields = defined({
    name: text(body, 'name', false),
    regionCode: text(body, 'regionCode', false),
    dong: text(body, 'dong', false),
    jibun: text(body, 'jibun', false),
    builtYear: positive(body, 'builtYear'),
    households: positive(body, 'households'),
    deleted: flag(body, 'deleted'),
  });
  if (fields.regionCode !== undefined && !/^\d{10}$/.test(fields.regionCode)) {
    throw new ReferenceChangeError('regionCode', 'must be a 10-digit 법정동 code');
  }
  return upsert(store.data.complexes, id, (existing) => {
    if (!existing && (!fields.name || !fields.regionCode || !fields.jibun)) {
      throw new ReferenceChangeError('body', 'a new complex needs name, regionCode and jibun');
    }
    return {
      district: '',
      dong: '',
      builtYear: 2000,
      households: 100,
      areasM2: [84.9],
      wonPerM2: 15_000_000,
      ...existing,
      ...fields,
      id,
      updatedAt,
    } as Complex;
  });
}
