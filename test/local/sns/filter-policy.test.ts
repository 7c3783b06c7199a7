import { describe, expect, it } from 'vitest';
import { matchesFilterPolicy, parseFilterPolicy } from '../../../local/sns/filter-policy';
import type { SnsMessageAttribute } from '../../../local/sns/sns-service';

const text = (StringValue: string): SnsMessageAttribute => ({ DataType: 'String', StringValue });
const number = (StringValue: string): SnsMessageAttribute => ({ DataType: 'Number', StringValue });

function matches(policy: object, attributes: Record<string, SnsMessageAttribute>) {
  return matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy)), 'MessageAttributes', {
    attributes,
    body: '',
  });
}

describe('SNS filter policies on message attributes', () => {
  it('matches exact strings and numbers, and needs every key to match', () => {
    expect(matches({ kind: ['a', 'b'] }, { kind: text('b') })).toBe(true);
    expect(matches({ kind: ['a'] }, { kind: text('c') })).toBe(false);
    expect(matches({ kind: ['a'], size: [3] }, { kind: text('a'), size: number('3') })).toBe(true);
    expect(matches({ kind: ['a'], size: [3] }, { kind: text('a'), size: number('4') })).toBe(false);
    expect(matches({ size: [3] }, { size: text('3') })).toBe(false);
  });

  it('never matches a missing attribute except with exists false', () => {
    expect(matches({ kind: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ kind: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ kind: [{ exists: true }] }, { kind: text('y') })).toBe(true);
    expect(matches({ kind: [{ exists: false }] }, { kind: text('y') })).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and anything-but with a prefix', () => {
    expect(matches({ k: [{ prefix: 'chat.' }] }, { k: text('chat.sent') })).toBe(true);
    expect(matches({ k: [{ suffix: '.sent' }] }, { k: text('chat.read') })).toBe(false);
    expect(matches({ k: [{ 'equals-ignore-case': 'SEOUL' }] }, { k: text('Seoul') })).toBe(true);
    expect(matches({ k: [{ 'anything-but': { prefix: 'test-' } }] }, { k: text('test-1') })).toBe(false);
    expect(matches({ k: [{ 'anything-but': { prefix: 'test-' } }] }, { k: text('prod-1') })).toBe(true);
  });

  it('compares numeric ranges', () => {
    const policy = { price: [{ numeric: ['>', 0, '<=', 10] }] };
    expect(matches(policy, { price: number('10') })).toBe(true);
    expect(matches(policy, { price: number('0') })).toBe(false);
    expect(matches({ price: [{ numeric: ['=', 5] }] }, { price: number('5.0') })).toBe(true);
  });

  it('matches any element of a String.Array attribute', () => {
    const tags = { DataType: 'String.Array', StringValue: '["apt","officetel"]' };
    expect(matches({ tags: ['officetel'] }, { tags })).toBe(true);
    expect(matches({ tags: ['villa'] }, { tags })).toBe(false);
  });

  it('accepts any alternative of $or', () => {
    const policy = { $or: [{ a: ['1'] }, { b: ['2'] }] };
    expect(matches(policy, { b: text('2') })).toBe(true);
    expect(matches(policy, { a: text('2') })).toBe(false);
  });

  it('matches nested keys of the message body with scope MessageBody', () => {
    const policy = parseFilterPolicy('{"detail":{"status":["sold"]}}');
    expect(
      matchesFilterPolicy(policy, 'MessageBody', { attributes: {}, body: '{"detail":{"status":"sold"}}' }),
    ).toBe(true);
    expect(
      matchesFilterPolicy(policy, 'MessageBody', { attributes: {}, body: '{"detail":{"status":"open"}}' }),
    ).toBe(false);
    expect(matchesFilterPolicy(policy, 'MessageBody', { attributes: {}, body: 'not json' })).toBe(false);
  });

  it('refuses a policy with an operator SNS does not know', () => {
    expect(() => parseFilterPolicy('{"k":[{"wildcard":"*"}]}')).toThrow(/unsupported operator wildcard/);
    expect(() => parseFilterPolicy('not json')).toThrow(/FilterPolicy/);
  });
});
