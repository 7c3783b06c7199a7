import { type JsonObject, LegacyBadRequest, type LegacyOperation } from '../operation';
import type { Complex } from '../sample-data';
import type { SavedRealTransaction } from '../store';

const MAX_ROWS = 1000;

type RowFields = Omit<SavedRealTransaction, 'id' | 'savedAt'>;

function validDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The problems of one normalized row, empty when it can be saved. */
function rowProblems(row: unknown): string[] {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return ['must be an object'];
  const r = row as JsonObject;
  const problems: string[] = [];
  if (typeof r.lawdCode !== 'string' || !/^\d{5}$/.test(r.lawdCode))
    problems.push('"lawdCode" must be 5 digits');
  if (r.regionCode != null && (typeof r.regionCode !== 'string' || !/^\d{10}$/.test(r.regionCode))) {
    problems.push('"regionCode" must be 10 digits or null');
  }
  if (r.complexId != null && typeof r.complexId !== 'string')
    problems.push('"complexId" must be a string or null');
  for (const field of ['complexName', 'jibun']) {
    if (typeof r[field] !== 'string' || (r[field] as string).trim() === '') {
      problems.push(`"${field}" must be a non-empty string`);
    }
  }
  if (!Number.isSafeInteger(r.priceWon) || (r.priceWon as number) <= 0) {
    problems.push('"priceWon" must be a positive integer number of won');
  }
  if (typeof r.exclusiveAreaM2 !== 'number' || !(r.exclusiveAreaM2 > 0 && r.exclusiveAreaM2 < 1000)) {
    problems.push('"exclusiveAreaM2" must be a number of m² between 0 and 1000');
  }
  if (!Number.isInteger(r.floor) || r.floor === 0) problems.push('"floor" must be a non-zero integer');
  if (!validDate(r.contractDate)) problems.push('"contractDate" must be a real YYYY-MM-DD date');
  return problems;
}

/** Trades are identified by what the registry records; the same trade sent twice is a duplicate. */
export function realTransactionKey(row: RowFields): string {
  return [
    row.lawdCode,
    row.jibun,
    row.complexName,
    row.exclusiveAreaM2,
    row.floor,
    row.contractDate,
    row.priceWon,
  ].join('|');
}

function complexOf(complexes: readonly Complex[], row: RowFields): Complex | undefined {
  return complexes.find(
    (complex) =>
      complex.regionCode.startsWith(row.lawdCode) &&
      complex.name === row.complexName &&
      complex.jibun === row.jibun,
  );
}

/**
 * `POST /v1/real-transactions`: the crawler's `save()`. All or nothing: one invalid row refuses the
 * request with the problems of every invalid row. A row without a complexId is matched to a known
 * complex by 시군구, name and 지번, so the 실거래 alert feed can use it.
 */
export const postRealTransactions: LegacyOperation = (request, store) => {
  const rows = request.body;
  if (!Array.isArray(rows)) throw new LegacyBadRequest('the body must be a JSON array of normalized rows');
  if (rows.length === 0 || rows.length > MAX_ROWS) {
    throw new LegacyBadRequest(`send between 1 and ${MAX_ROWS} rows per request`);
  }
  const invalid = rows
    .map((row, index) => ({ index, problems: rowProblems(row) }))
    .filter((entry) => entry.problems.length > 0);
  if (invalid.length > 0) {
    throw new LegacyBadRequest(
      `${invalid.length} row(s) are invalid; nothing was saved`,
      'invalid_rows',
      invalid,
    );
  }
  const savedAt = new Date(request.nowMs).toISOString();
  let saved = 0;
  let duplicates = 0;
  for (const raw of rows as JsonObject[]) {
    const row: RowFields = {
      lawdCode: raw.lawdCode as string,
      regionCode: (raw.regionCode as string | undefined) ?? null,
      complexId: (raw.complexId as string | undefined) ?? null,
      complexName: (raw.complexName as string).trim(),
      jibun: (raw.jibun as string).trim(),
      priceWon: raw.priceWon as number,
      exclusiveAreaM2: raw.exclusiveAreaM2 as number,
      floor: raw.floor as number,
      contractDate: raw.contractDate as string,
    };
    const key = realTransactionKey(row);
    if (store.savedRealTransactions.has(key)) {
      duplicates += 1;
      continue;
    }
    const complex = complexOf(store.data.complexes, row);
    store.savedRealTransactions.set(key, {
      ...row,
      complexId: row.complexId ?? complex?.id ?? null,
      regionCode: row.regionCode ?? complex?.regionCode ?? null,
      id: `RTX-S-${store.savedRealTransactions.size + 1}`,
      savedAt,
    });
    saved += 1;
  }
  return { status: 201, body: { saved, duplicates } };
};
