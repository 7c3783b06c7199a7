import type { Complex } from './sample-data';

/**
 * Raw rows as the government open API (국토교통부 아파트 매매 실거래가 자료, data.go.kr) returns them:
 * Korean field names, every value a string, 거래금액 in 만원 (10,000 won) with thousands commas and
 * left padding, 법정동 with a leading space, 해제여부 'O' for a cancelled (해제) trade. A few rows
 * are malformed on purpose, as real responses sometimes are, so the crawler's normalization and
 * bad-row counting can be tested.
 */
export interface PublicDataTradeRow {
  거래금액?: string;
  거래유형?: string;
  건축년도?: string;
  년?: string;
  법정동?: string;
  아파트?: string;
  월?: string;
  일?: string;
  전용면적?: string;
  중개사소재지?: string;
  지번?: string;
  지역코드?: string;
  층?: string;
  해제사유발생일?: string;
  해제여부?: string;
}

const KST_OFFSET_MS = 9 * 3_600_000;

/** A small deterministic hash, so the same (complex, month) always gives the same trades. */
function hash(text: string): number {
  let value = 2166136261;
  for (const char of text) {
    value ^= char.codePointAt(0)!;
    value = Math.imul(value, 16777619) >>> 0;
  }
  return value;
}

function manwon(won: number): string {
  // The API pads the amount to a fixed width: "    85,000".
  // Trades are agreed in round figures: 500만원 steps.
  return (Math.round(won / 5_000_000) * 500).toLocaleString('en-US').padStart(10, ' ');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYYMM` → { year, month }, or undefined when it is not a month. */
export function parseDealYmd(dealYmd: string): { year: number; month: number } | undefined {
  const match = /^(\d{4})(\d{2})$/.exec(dealYmd);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { year, month } : undefined;
}

function row(complex: Complex, fields: Partial<PublicDataTradeRow>): PublicDataTradeRow {
  const [sido = '', sigungu = ''] = complex.district.split(' ');
  return {
    거래금액: '',
    거래유형: '중개거래',
    건축년도: String(complex.builtYear),
    년: '',
    법정동: ` ${complex.dong}`,
    아파트: complex.name,
    월: '',
    일: '',
    전용면적: '',
    중개사소재지: `${sido.slice(0, 2)} ${sigungu}`,
    지번: complex.jibun,
    지역코드: complex.regionCode.slice(0, 5),
    층: '',
    해제사유발생일: ' ',
    해제여부: ' ',
    ...fields,
  };
}

/**
 * The trades registered for one 시군구 (`lawdCode`, 5 digits) in one contract month, as of `now`:
 * nothing for a future month, and only days up to today for the current one.
 */
export function publicDataTradeRows(
  complexes: readonly Complex[],
  lawdCode: string,
  month: { year: number; month: number },
  nowMs: number,
): PublicDataTradeRow[] {
  const todayKst = new Date(nowMs + KST_OFFSET_MS);
  const lastDay =
    month.year === todayKst.getUTCFullYear() && month.month === todayKst.getUTCMonth() + 1
      ? todayKst.getUTCDate()
      : daysInMonth(month.year, month.month);
  const monthStartMs = Date.UTC(month.year, month.month - 1, 1) - KST_OFFSET_MS;
  if (monthStartMs > nowMs) return [];

  const rows: PublicDataTradeRow[] = [];
  const inDistrict = complexes.filter((complex) => complex.regionCode.startsWith(lawdCode));
  for (const complex of inDistrict) {
    const seed = hash(`${complex.id}:${month.year}${month.month}`);
    const count = 1 + (seed % 3);
    for (let n = 0; n < count; n += 1) {
      const tradeSeed = hash(`${seed}:${n}`);
      const area = complex.areasM2[tradeSeed % complex.areasM2.length]!;
      const floor = 1 + (tradeSeed % 25);
      const priceWon = area * complex.wonPerM2 * (0.92 + (tradeSeed % 11) / 100);
      rows.push(
        row(complex, {
          거래금액: manwon(priceWon),
          년: String(month.year),
          월: String(month.month),
          일: String(1 + (tradeSeed % lastDay)),
          전용면적: String(area),
          층: String(floor),
        }),
      );
    }
  }
  if (rows.length === 0) return rows;

  // The quirks a crawler meets in real responses, always present so they can be counted.
  const first = inDistrict[0]!;
  const base = { 년: String(month.year), 월: String(month.month) };
  rows.push(
    // A cancelled trade (해제): well-formed, but must not be saved as a transaction.
    row(first, {
      ...base,
      거래금액: manwon(first.areasM2[0]! * first.wonPerM2),
      일: '1',
      전용면적: String(first.areasM2[0]),
      층: '3',
      해제여부: 'O',
      해제사유발생일: `${String(month.year).slice(2)}.${String(month.month).padStart(2, '0')}.${String(Math.min(lastDay, 28)).padStart(2, '0')}`,
    }),
    // A basement-level unit: negative floors are valid.
    row(first, {
      ...base,
      거래금액: manwon(first.areasM2[0]! * first.wonPerM2 * 0.8),
      일: '2',
      전용면적: String(first.areasM2[0]),
      층: '-1',
    }),
    // Malformed: blank amount.
    row(first, { ...base, 거래금액: '      ', 일: '3', 전용면적: String(first.areasM2[0]), 층: '7' }),
    // Malformed: area that is not a number.
    row(first, {
      ...base,
      거래금액: manwon(first.areasM2[0]! * first.wonPerM2),
      일: '4',
      전용면적: '84.9㎡',
      층: '9',
    }),
    // Malformed: a day that does not exist, and no floor at all.
    (() => {
      const broken = row(first, {
        ...base,
        거래금액: manwon(first.areasM2[0]! * first.wonPerM2),
        일: '32',
        전용면적: String(first.areasM2[0]),
      });
      delete broken.층;
      return broken;
    })(),
  );
  return rows;
}

/** How many of the rows `publicDataTradeRows` adds are malformed (blank amount, bad area, bad day/no floor). */
export const MALFORMED_ROWS_PER_RESPONSE = 3;

/** The data.go.kr JSON envelope: `items` is "" when empty and `item` is an object (not an array) for one row. */
export function publicDataResponse(
  rows: PublicDataTradeRow[],
  page: { pageNo: number; numOfRows: number },
): unknown {
  const pageRows = rows.slice((page.pageNo - 1) * page.numOfRows, page.pageNo * page.numOfRows);
  return {
    response: {
      header: { resultCode: '00', resultMsg: 'NORMAL SERVICE.' },
      body: {
        items: pageRows.length === 0 ? '' : { item: pageRows.length === 1 ? pageRows[0] : pageRows },
        numOfRows: page.numOfRows,
        pageNo: page.pageNo,
        totalCount: rows.length,
      },
    },
  };
}

/** The API's error answer: HTTP 200 with a non-'00' resultCode (data.go.kr never uses HTTP errors here). */
export function publicDataError(resultCode: string, resultMsg: string): unknown {
  return { response: { header: { resultCode, resultMsg } } };
}
