import { createHash } from 'node:crypto';

/**
 * One raw row of 국토교통부 아파트 매매 실거래가 (data.go.kr) → a trade in the Legacy API's save()
 * shape (docs/legacy-api.md, `POST /v1/real-transactions`), or why it is left out. Pure: every
 * input gives an answer, none throws.
 *
 * Field names: the older API (and the local stand-in) answers in Korean (거래금액, 층, …); the
 * current apis.data.go.kr/1613000 endpoint in English (dealAmount, floor, …). Both are read.
 */

/** A row as the API sent it: every value a string in practice, numbers tolerated. */
export type RawTradeRow = Record<string, unknown>;

/** A normalized 실거래 (registered real transaction), before its complex is looked up. */
export interface Trade {
  /** 시군구 code (5 digits). */
  lawdCode: string;
  /** 법정동 name (legal dong), trimmed; only used to tell complexes apart. */
  dong: string;
  complexName: string;
  /** 지번 (lot number). */
  jibun: string;
  /** 거래금액 in won (the source says 만원, 10,000 won). */
  priceWon: number;
  /** 전용면적 (exclusive area), m², 2 decimals. */
  exclusiveAreaM2: number;
  /** Negative for basement floors; never 0. */
  floor: number;
  /** YYYY-MM-DD. */
  contractDate: string;
}

export type BadRowReason =
  | 'not_an_object'
  | 'bad_lawd_code'
  | 'missing_name'
  | 'missing_jibun'
  | 'blank_price'
  | 'bad_price'
  | 'missing_area'
  | 'bad_area'
  | 'bad_date'
  | 'missing_floor'
  | 'bad_floor';

export type NormalizedRow =
  | { kind: 'trade'; trade: Trade }
  /** 해제 (the contract was cancelled): not a transaction. */
  | { kind: 'cancelled' }
  | { kind: 'bad'; reason: BadRowReason };

const FIELDS = {
  price: ['거래금액', 'dealAmount'],
  year: ['년', 'dealYear'],
  month: ['월', 'dealMonth'],
  day: ['일', 'dealDay'],
  area: ['전용면적', 'excluUseAr'],
  floor: ['층', 'floor'],
  lawdCode: ['지역코드', 'sggCd'],
  dong: ['법정동', 'umdNm'],
  jibun: ['지번', 'jibun'],
  name: ['아파트', 'aptNm'],
  cancelled: ['해제여부', 'cdealType'],
} as const;

/** The field's trimmed text; '' when absent, blank or not text. */
function text(row: RawTradeRow, field: keyof typeof FIELDS): string {
  for (const name of FIELDS[field]) {
    const value = row[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return '';
}

const bad = (reason: BadRowReason): NormalizedRow => ({ kind: 'bad', reason });

function priceWon(row: RawTradeRow): number | BadRowReason {
  // "   235,000" 만원: padding and thousands commas.
  const digits = text(row, 'price').replace(/[\s,]/g, '');
  if (digits === '') return 'blank_price';
  if (!/^\d+$/.test(digits)) return 'bad_price';
  const won = Number(digits) * 10_000;
  return won > 0 && Number.isSafeInteger(won) ? won : 'bad_price';
}

function areaM2(row: RawTradeRow): number | BadRowReason {
  const value = text(row, 'area');
  if (value === '') return 'missing_area';
  if (!/^\d+(\.\d+)?$/.test(value)) return 'bad_area';
  const area = Math.round(Number(value) * 100) / 100;
  // The Legacy API takes 0 < area < 1000 m².
  return area > 0 && area < 1000 ? area : 'bad_area';
}

/** YYYY-MM-DD, or undefined when 년/월/일 is not a real date. */
function contractDate(row: RawTradeRow): string | undefined {
  const year = text(row, 'year');
  const month = text(row, 'month');
  const day = text(row, 'day');
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return undefined;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date.UTC rolls 2월 30일 over into March: a real date reads back the same.
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day)
  ) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

function floorOf(row: RawTradeRow): number | BadRowReason {
  const value = text(row, 'floor');
  if (value === '') return 'missing_floor';
  if (!/^-?\d+$/.test(value)) return 'bad_floor';
  const floor = Number(value);
  return floor === 0 ? 'bad_floor' : floor;
}

export function normalizeTrade(raw: unknown): NormalizedRow {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('not_an_object');
  const row = raw as RawTradeRow;
  // A cancelled row is skipped whatever else it holds.
  if (text(row, 'cancelled').toUpperCase() === 'O') return { kind: 'cancelled' };

  const lawdCode = text(row, 'lawdCode');
  if (!/^\d{5}$/.test(lawdCode)) return bad('bad_lawd_code');
  const complexName = text(row, 'name');
  if (complexName === '') return bad('missing_name');
  const jibun = text(row, 'jibun');
  if (jibun === '') return bad('missing_jibun');
  const price = priceWon(row);
  if (typeof price === 'string') return bad(price);
  const area = areaM2(row);
  if (typeof area === 'string') return bad(area);
  const date = contractDate(row);
  if (date === undefined) return bad('bad_date');
  const floor = floorOf(row);
  if (typeof floor === 'string') return bad(floor);

  return {
    kind: 'trade',
    trade: {
      lawdCode,
      dong: text(row, 'dong'),
      complexName,
      jibun,
      priceWon: price,
      exclusiveAreaM2: area,
      floor,
      contractDate: date,
    },
  };
}

/** A trade's identity, exactly as the Legacy API dedupes saved trades. */
export function tradeKey(
  trade: Pick<
    Trade,
    'lawdCode' | 'jibun' | 'complexName' | 'exclusiveAreaM2' | 'floor' | 'contractDate' | 'priceWon'
  >,
): string {
  return [
    trade.lawdCode,
    trade.jibun,
    trade.complexName,
    trade.exclusiveAreaM2,
    trade.floor,
    trade.contractDate,
    trade.priceWon,
  ].join('|');
}

/** The idempotency-table id recording that a trade was saved: no trade content, only its hash. */
export function tradeFingerprintId(trade: Parameters<typeof tradeKey>[0]): string {
  return `rtx:${createHash('sha256').update(tradeKey(trade)).digest('hex')}`;
}
