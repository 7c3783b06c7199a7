import { describe, expect, it } from 'vitest';
import {
  formatAreaM2,
  formatFloor,
  formatKoreanDate,
  formatWon,
} from '../../../../amplify/functions/shared/alerts/korean-format';

describe('formatWon', () => {
  it.each([
    [2_530_000_000, '25억 3천만원'],
    [2_535_000_000, '25억 3,500만원'],
    [2_500_000_000, '25억원'],
    [950_000_000, '9억 5천만원'],
    [50_000_000, '5천만원'],
    [35_000_000, '3,500만원'],
    [123_400_000_000, '1,234억원'],
    [100_010_000, '1억 1만원'],
    [10_000, '1만원'],
    [15_000, '1만 5,000원'],
    [5_000, '5,000원'],
    [1_000_005_000, '10억 5,000원'],
    [0, '0원'],
  ])('writes %d won as %s', (won, text) => {
    expect(formatWon(won)).toBe(text);
  });

  it('rounds a fraction of a won', () => {
    expect(formatWon(2_530_000_000.4)).toBe('25억 3천만원');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (won) => {
    expect(() => formatWon(won)).toThrow(RangeError);
  });
});

describe('formatAreaM2, formatKoreanDate, formatFloor', () => {
  it('names an area by its type, the whole square metres', () => {
    expect(formatAreaM2(84.97)).toBe('84㎡');
    expect(formatAreaM2(59.96)).toBe('59㎡');
    expect(() => formatAreaM2(0)).toThrow(RangeError);
  });

  it('writes a calendar date as month and day, and leaves anything else alone', () => {
    expect(formatKoreanDate('2025-03-09')).toBe('3월 9일');
    expect(formatKoreanDate('2025-12-24')).toBe('12월 24일');
    expect(formatKoreanDate('soon')).toBe('soon');
  });

  it('writes basements as 지하', () => {
    expect(formatFloor(9)).toBe('9층');
    expect(formatFloor(-1)).toBe('지하 1층');
  });
});
