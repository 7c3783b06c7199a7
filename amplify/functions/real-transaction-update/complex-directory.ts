import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../shared/dynamo';
import type { Trade } from './trade-normalize';

/**
 * Which Complex (단지) a trade belongs to: the Complex table's rows of the trade's 시군구 (GSI
 * `complexesByLawdCode`), read once per 시군구 per run, matched by name and 지번 as the Legacy API
 * matches them. alert-real-transaction finds subscribers by this complexId.
 */

/** What the crawler reads of a Complex row. */
export interface ComplexRow {
  id: string;
  name?: unknown;
  jibun?: unknown;
  dong?: unknown;
  regionCode?: unknown;
}

export interface ComplexRef {
  complexId: string;
  /** 10-digit 법정동 code, null when the row has none that looks like one. */
  regionCode: string | null;
}

export interface ComplexDirectory {
  /** undefined: no known complex, the Legacy API fills it in when it can. */
  find(trade: Pick<Trade, 'lawdCode' | 'complexName' | 'jibun' | 'dong'>): Promise<ComplexRef | undefined>;
}

export const COMPLEXES_BY_LAWD_CODE = 'complexesByLawdCode';

// "래미안 대치팰리스" and "래미안대치팰리스" are one complex.
const sameName = (a: unknown, b: string) =>
  typeof a === 'string' && a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/** The one row with the trade's name and 지번; the 법정동 decides between two (지번 repeat across 동). */
export function matchComplex(
  rows: readonly ComplexRow[],
  trade: Pick<Trade, 'complexName' | 'jibun' | 'dong'>,
): ComplexRow | undefined {
  const candidates = rows.filter(
    (row) =>
      sameName(row.name, trade.complexName) &&
      typeof row.jibun === 'string' &&
      row.jibun.trim() === trade.jibun,
  );
  if (candidates.length <= 1) return candidates[0];
  const inDong = candidates.filter((row) => typeof row.dong === 'string' && row.dong.trim() === trade.dong);
  return inDong.length === 1 ? inDong[0] : undefined;
}

/** One per run: the cache is the run's view of the table. */
export function complexDirectory(options: {
  tableName: () => string;
  client?: DynamoDBDocumentClient;
}): ComplexDirectory {
  const byLawdCode = new Map<string, Promise<ComplexRow[]>>();

  function rowsOf(lawdCode: string): Promise<ComplexRow[]> {
    let rows = byLawdCode.get(lawdCode);
    if (!rows) {
      rows = queryAll<ComplexRow>(
        {
          TableName: options.tableName(),
          IndexName: COMPLEXES_BY_LAWD_CODE,
          KeyConditionExpression: '#lawdCode = :lawdCode',
          ProjectionExpression: '#id, #name, #jibun, #dong, #regionCode',
          ExpressionAttributeNames: {
            '#lawdCode': 'lawdCode',
            '#id': 'id',
            '#name': 'name',
            '#jibun': 'jibun',
            '#dong': 'dong',
            '#regionCode': 'regionCode',
          },
          ExpressionAttributeValues: { ':lawdCode': lawdCode },
        },
        options.client ? { client: options.client } : {},
      );
      // A failed read is not cached: the error fails the run instead.
      rows.catch(() => byLawdCode.delete(lawdCode));
      byLawdCode.set(lawdCode, rows);
    }
    return rows;
  }

  return {
    async find(trade) {
      const row = matchComplex(await rowsOf(trade.lawdCode), trade);
      if (!row) return undefined;
      const regionCode =
        typeof row.regionCode === 'string' && /^\d{10}$/.test(row.regionCode) ? row.regionCode : null;
      return { complexId: row.id, regionCode };
    },
  };
}
