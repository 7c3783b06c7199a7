import { describe, expect, it } from 'vitest';
import { matchesAnyPattern } from '../../../../local/lambda/pollers/event-filter';

const insertText = {
  eventName: 'INSERT',
  dynamodb: { NewImage: { kind: { S: 'TEXT' }, body: { S: '안녕하세요' }, count: { N: '3' } } },
};

describe('event filter patterns', () => {
  it('delivers everything when there is no pattern', () => {
    expect(matchesAnyPattern(insertText, [])).toBe(true);
  });

  it('matches exact values at any depth', () => {
    expect(matchesAnyPattern(insertText, [JSON.stringify({ eventName: ['INSERT'] })])).toBe(true);
    expect(matchesAnyPattern(insertText, [JSON.stringify({ eventName: ['MODIFY'] })])).toBe(false);
    expect(
      matchesAnyPattern(insertText, [
        JSON.stringify({ dynamodb: { NewImage: { kind: { S: ['TEXT', 'IMAGE'] } } } }),
      ]),
    ).toBe(true);
  });

  it('matches when any of several patterns does', () => {
    const patterns = [JSON.stringify({ eventName: ['MODIFY'] }), JSON.stringify({ eventName: ['INSERT'] })];
    expect(matchesAnyPattern(insertText, patterns)).toBe(true);
  });

  it('supports prefix, anything-but, numeric, exists and $or', () => {
    const pattern = (value: unknown) => [JSON.stringify(value)];
    expect(matchesAnyPattern(insertText, pattern({ eventName: [{ prefix: 'INS' }] }))).toBe(true);
    expect(matchesAnyPattern(insertText, pattern({ eventName: [{ 'anything-but': ['REMOVE'] }] }))).toBe(
      true,
    );
    expect(matchesAnyPattern(insertText, pattern({ eventName: [{ 'anything-but': ['INSERT'] }] }))).toBe(
      false,
    );
    expect(
      matchesAnyPattern(
        insertText,
        pattern({ dynamodb: { NewImage: { count: { N: [{ numeric: ['>', 2, '<=', 3] }] } } } }),
      ),
    ).toBe(true);
    expect(matchesAnyPattern(insertText, pattern({ dynamodb: { OldImage: [{ exists: false }] } }))).toBe(
      true,
    );
    expect(matchesAnyPattern(insertText, pattern({ dynamodb: { OldImage: [{ exists: true }] } }))).toBe(
      false,
    );
    expect(
      matchesAnyPattern(insertText, pattern({ $or: [{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }] })),
    ).toBe(true);
  });

  it('refuses an operator it does not know instead of silently delivering', () => {
    expect(() =>
      matchesAnyPattern(insertText, [JSON.stringify({ eventName: [{ wildcard: 'I*' }] })]),
    ).toThrow(/Unsupported filter operator/);
  });
});
