import { describe, expect, it } from 'vitest';
import {
  normalizeTrade,
  type Trade,
  tradeFingerprintId,
  tradeKey,
} from '../../../amplify/functions/real-transaction-update/trade-normalize';
import { realTransactionKey } from '../../../local/legacy/operations/real-transactions';
import { publicDataTradeRows } from '../../../local/legacy/public-data';
import { COMPLEXES } from '../../../local/legacy/sample-data';
import { englishRow, koreanRow } from './trade-fixtures';

const 은마: Trade = {
  lawdCode: '11680',
  dong: '대치동',
  complexName: '은마',
  jibun: '316',
  priceWon: 2_350_000_000,
  exclusiveAreaM2: 76.79,
  floor: 9,
  contractDate: '2025-02-11',
};

describe('normalizeTrade', () => {
  it('turns a padded 만원 amount with commas into integer won and trims 법정동, 아파트 and 지번', () => {
    expect(normalizeTrade(koreanRow({ 아파트: ' 은마 ', 지번: ' 316 ' }))).toEqual({
      kind: 'trade',
      trade: 은마,
    });
  });

  it('reads the current endpoint’s English field names to the same trade', () => {
    expect(normalizeTrade(englishRow())).toEqual({ kind: 'trade', trade: 은마 });
  });

  it('accepts numbers where the API usually sends strings', () => {
    const row = englishRow({
      sggCd: 11680,
      dealYear: 2025,
      dealMonth: 2,
      dealDay: 11,
      floor: 9,
      excluUseAr: 76.79,
    });
    expect(normalizeTrade(row)).toEqual({ kind: 'trade', trade: 은마 });
  });

  it('pads single-digit months and days into a YYYY-MM-DD contract date', () => {
    const result = normalizeTrade(koreanRow({ 월: '3', 일: '2' }));
    expect(result).toMatchObject({ kind: 'trade', trade: { contractDate: '2025-03-02' } });
  });

  it('keeps a basement floor as a negative integer', () => {
    expect(normalizeTrade(koreanRow({ 층: '-1' }))).toMatchObject({ kind: 'trade', trade: { floor: -1 } });
  });

  it('rounds the exclusive area to 2 decimals', () => {
    expect(normalizeTrade(koreanRow({ 전용면적: '84.9912' }))).toMatchObject({
      trade: { exclusiveAreaM2: 84.99 },
    });
    expect(normalizeTrade(koreanRow({ 전용면적: '59' }))).toMatchObject({ trade: { exclusiveAreaM2: 59 } });
  });

  it('reads a price without commas or padding too', () => {
    expect(normalizeTrade(koreanRow({ 거래금액: '85000' }))).toMatchObject({
      trade: { priceWon: 850_000_000 },
    });
  });

  it.each([
    ['해제여부', koreanRow({ 해제여부: 'O', 해제사유발생일: '25.02.28' })],
    ['cdealType', englishRow({ cdealType: 'O', cdealDay: '25.02.28' })],
    ['해제여부 on a malformed row', koreanRow({ 해제여부: 'O', 거래금액: '      ' })],
  ])('skips a cancelled (해제) trade marked in %s, not as a bad row', (_case, row) => {
    expect(normalizeTrade(row)).toEqual({ kind: 'cancelled' });
  });

  it.each([
    ['a blank amount', koreanRow({ 거래금액: '      ' }), 'blank_price'],
    ['no amount at all', koreanRow({ 거래금액: undefined }), 'blank_price'],
    ['an amount that is not a number', koreanRow({ 거래금액: '23억5천' }), 'bad_price'],
    ['a zero amount', koreanRow({ 거래금액: '0' }), 'bad_price'],
    ['an area with its unit', koreanRow({ 전용면적: '84.9㎡' }), 'bad_area'],
    ['a negative area', koreanRow({ 전용면적: '-84.9' }), 'bad_area'],
    ['an area of 1000 m² or more', koreanRow({ 전용면적: '1000' }), 'bad_area'],
    ['no area', koreanRow({ 전용면적: ' ' }), 'missing_area'],
    ['a day that does not exist', koreanRow({ 일: '32' }), 'bad_date'],
    ['30 February', koreanRow({ 월: '2', 일: '30' }), 'bad_date'],
    ['29 February of a common year', koreanRow({ 년: '2025', 월: '2', 일: '29' }), 'bad_date'],
    ['month 13', koreanRow({ 월: '13' }), 'bad_date'],
    ['a two-digit year', koreanRow({ 년: '25' }), 'bad_date'],
    ['no floor field', koreanRow({ 층: undefined }), 'missing_floor'],
    ['a blank floor', koreanRow({ 층: ' ' }), 'missing_floor'],
    ['floor 0', koreanRow({ 층: '0' }), 'bad_floor'],
    ['a fractional floor', koreanRow({ 층: '3.5' }), 'bad_floor'],
    ['a 시군구 code that is not 5 digits', koreanRow({ 지역코드: '1168' }), 'bad_lawd_code'],
    ['no 아파트 name', koreanRow({ 아파트: '  ' }), 'missing_name'],
    ['no 지번', koreanRow({ 지번: '' }), 'missing_jibun'],
  ])('counts a row with %s as bad (%s)', (_case, row, reason) => {
    expect(normalizeTrade(row)).toEqual({ kind: 'bad', reason });
  });

  it('names the first problem of a row with several: the stand-in’s day 32 without a floor is a bad date', () => {
    expect(normalizeTrade(koreanRow({ 일: '32', 층: undefined }))).toEqual({
      kind: 'bad',
      reason: 'bad_date',
    });
  });

  it.each([
    ['null', null],
    ['a string', 'item'],
    ['an array', [koreanRow()]],
    ['a number', 42],
  ])('never throws on %s: it is a bad row', (_case, raw) => {
    expect(normalizeTrade(raw)).toEqual({ kind: 'bad', reason: 'not_an_object' });
  });

  it('finds in a stand-in month exactly its cancelled, basement and three malformed rows', () => {
    const rows = publicDataTradeRows(
      COMPLEXES,
      '11680',
      { year: 2025, month: 2 },
      Date.parse('2025-03-14T03:00:00Z'),
    );
    const results = rows.map(normalizeTrade);
    expect(results.filter((result) => result.kind === 'cancelled')).toHaveLength(1);
    expect(results.flatMap((result) => (result.kind === 'bad' ? [result.reason] : [])).sort()).toEqual([
      'bad_area',
      'bad_date',
      'blank_price',
    ]);
    const trades = results.flatMap((result) => (result.kind === 'trade' ? [result.trade] : []));
    expect(trades).toHaveLength(rows.length - 4);
    expect(trades.filter((trade) => trade.floor === -1)).toHaveLength(1);
    for (const trade of trades) {
      expect(Number.isSafeInteger(trade.priceWon) && trade.priceWon > 0).toBe(true);
      expect(trade.contractDate).toMatch(/^2025-02-\d{2}$/);
      expect(trade.dong).not.toMatch(/^\s|\s$/);
    }
  });
});

describe('tradeKey and tradeFingerprintId', () => {
  it('identify a trade exactly as the Legacy API dedupes it', () => {
    expect(tradeKey(은마)).toBe(realTransactionKey({ ...은마, regionCode: null, complexId: null }));
  });

  it('give the same fingerprint to the same trade and a different one when any key field differs', () => {
    const id = tradeFingerprintId(은마);
    expect(id).toMatch(/^rtx:[0-9a-f]{64}$/);
    const otherDong: Trade = { ...은마, dong: '다른동' };
    expect(tradeFingerprintId(otherDong)).toBe(id);
    for (const change of [
      { lawdCode: '11650' },
      { jibun: '317' },
      { complexName: '은마2' },
      { exclusiveAreaM2: 76.8 },
      { floor: -9 },
      { contractDate: '2025-02-12' },
      { priceWon: 2_350_010_000 },
    ]) {
      expect(tradeFingerprintId({ ...은마, ...change })).not.toBe(id);
    }
  });

  it('holds no trade content, only its hash', () => {
    expect(tradeFingerprintId(은마)).not.toContain('은마');
  });
});
