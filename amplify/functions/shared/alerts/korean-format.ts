/**
 * Amounts, areas and dates the way Korean real-estate apps write them in notifications:
 * 25억 3천만원, 84㎡, 3월 24일.
 */

const EOK = 100_000_000; // 억 = 10^8
const MAN = 10_000; // 만 = 10^4

const grouped = (value: number) => value.toLocaleString('en-US');

/**
 * Won in 억 and 만: 2,530,000,000 → `25억 3천만원`, 2,535,000,000 → `25억 3,500만원`,
 * 2,500,000,000 → `25억원`, 50,000,000 → `5천만원`. A remainder under 만 is kept (`1만 5,000원`).
 */
export function formatWon(won: number): string {
  if (!Number.isFinite(won) || won < 0) throw new RangeError(`Not an amount of won: ${won}`);
  const total = Math.round(won);
  if (total === 0) return '0원';
  const eok = Math.floor(total / EOK);
  const man = Math.floor((total % EOK) / MAN);
  const rest = total % MAN;
  const parts: string[] = [];
  if (eok > 0) parts.push(`${grouped(eok)}억`);
  // Whole thousands of 만 read as 천만 (3천만), anything else as a number of 만 (3,500만).
  if (man > 0) parts.push(man % 1000 === 0 ? `${man / 1000}천만` : `${grouped(man)}만`);
  if (rest > 0) parts.push(grouped(rest));
  return `${parts.join(' ')}원`;
}

/** 전용면적 by its type, as listings name it: 84.97 → `84㎡`. */
export function formatAreaM2(areaM2: number): string {
  if (!Number.isFinite(areaM2) || areaM2 <= 0) throw new RangeError(`Not an area: ${areaM2}`);
  return `${Math.floor(areaM2)}㎡`;
}

/** A calendar date `YYYY-MM-DD` (already in KST) → `3월 24일`; anything else is returned as is. */
export function formatKoreanDate(date: string): string {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  return `${Number(match[1])}월 ${Number(match[2])}일`;
}

/** 9 → `9층`, -1 → `지하 1층`. */
export function formatFloor(floor: number): string {
  return floor < 0 ? `지하 ${-floor}층` : `${floor}층`;
}
