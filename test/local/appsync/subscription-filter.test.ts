import { describe, expect, it } from 'vitest';
import {
  matchesSubscriptionArguments,
  matchesSubscriptionFilter,
  SUBSCRIPTION_FILTER_OPERATORS,
  SubscriptionFilterError,
} from '../../../local/appsync/subscription-filter';

const message = {
  id: 'm1',
  conversationId: 'c1',
  body: '급매 아파트 문의',
  kind: 'TEXT',
  priceWon: 450_000_000,
  createdAt: '2025-03-01T09:00:00.000Z',
  memberIds: ['alice', 'bob'],
  listing: { complexId: 'complex-7', title: '래미안' },
  editedAt: null,
};

const matches = (filter: unknown) => matchesSubscriptionFilter(filter, message);

describe('field operators', () => {
  it('eq matches equal values only, lists included', () => {
    expect(matches({ kind: { eq: 'TEXT' } })).toBe(true);
    expect(matches({ kind: { eq: 'IMAGE' } })).toBe(false);
    expect(matches({ memberIds: { eq: ['alice', 'bob'] } })).toBe(true);
    expect(matches({ memberIds: { eq: ['bob', 'alice'] } })).toBe(false);
  });

  it('ne matches different values, and a missing field', () => {
    expect(matches({ kind: { ne: 'IMAGE' } })).toBe(true);
    expect(matches({ kind: { ne: 'TEXT' } })).toBe(false);
    expect(matches({ deletedAt: { ne: 'x' } })).toBe(true);
  });

  it('gt, ge, lt and le compare numbers and strings, never across types', () => {
    expect(matches({ priceWon: { gt: 449_999_999 } })).toBe(true);
    expect(matches({ priceWon: { gt: 450_000_000 } })).toBe(false);
    expect(matches({ priceWon: { ge: 450_000_000 } })).toBe(true);
    expect(matches({ priceWon: { lt: 450_000_000 } })).toBe(false);
    expect(matches({ priceWon: { le: 450_000_000 } })).toBe(true);
    expect(matches({ createdAt: { lt: '2025-03-02' } })).toBe(true);
    expect(matches({ priceWon: { gt: '1' } })).toBe(false);
    expect(matches({ missing: { lt: 10 } })).toBe(false);
  });

  it('between is inclusive at both ends', () => {
    expect(matches({ priceWon: { between: [450_000_000, 500_000_000] } })).toBe(true);
    expect(matches({ priceWon: { between: [400_000_000, 450_000_000] } })).toBe(true);
    expect(matches({ priceWon: { between: [450_000_001, 500_000_000] } })).toBe(false);
  });

  it('contains finds a substring in a string and an element in a list', () => {
    expect(matches({ body: { contains: '아파트' } })).toBe(true);
    expect(matches({ body: { contains: '오피스텔' } })).toBe(false);
    expect(matches({ memberIds: { contains: 'bob' } })).toBe(true);
    expect(matches({ memberIds: { contains: 'carol' } })).toBe(false);
    expect(matches({ missing: { contains: 'x' } })).toBe(false);
  });

  it('notContains is the opposite of contains', () => {
    expect(matches({ memberIds: { notContains: 'carol' } })).toBe(true);
    expect(matches({ memberIds: { notContains: 'alice' } })).toBe(false);
    expect(matches({ body: { notContains: '급매' } })).toBe(false);
  });

  it('beginsWith matches a string prefix', () => {
    expect(matches({ body: { beginsWith: '급매' } })).toBe(true);
    expect(matches({ body: { beginsWith: '아파트' } })).toBe(false);
    expect(matches({ priceWon: { beginsWith: '45' } })).toBe(false);
  });

  it('in and notIn test membership of the field in a list of values', () => {
    expect(matches({ kind: { in: ['TEXT', 'IMAGE'] } })).toBe(true);
    expect(matches({ kind: { in: ['SYSTEM'] } })).toBe(false);
    expect(matches({ kind: { notIn: ['SYSTEM'] } })).toBe(true);
    expect(matches({ kind: { notIn: ['TEXT'] } })).toBe(false);
  });

  it('attributeExists tells present values from missing or null ones', () => {
    expect(matches({ body: { attributeExists: true } })).toBe(true);
    expect(matches({ editedAt: { attributeExists: true } })).toBe(false);
    expect(matches({ deletedAt: { attributeExists: false } })).toBe(true);
    expect(matches({ body: { attributeExists: false } })).toBe(false);
  });

  it('reaches nested fields with a dotted path', () => {
    expect(matches({ 'listing.complexId': { eq: 'complex-7' } })).toBe(true);
    expect(matches({ 'listing.complexId': { eq: 'complex-8' } })).toBe(false);
  });

  it('requires every operator given for one field', () => {
    expect(matches({ priceWon: { ge: 400_000_000, le: 500_000_000 } })).toBe(true);
    expect(matches({ priceWon: { ge: 400_000_000, le: 420_000_000 } })).toBe(false);
  });

  it('covers exactly the operators AppSync documents', () => {
    expect(SUBSCRIPTION_FILTER_OPERATORS.sort()).toEqual(
      [
        'attributeExists',
        'beginsWith',
        'between',
        'contains',
        'eq',
        'ge',
        'gt',
        'in',
        'le',
        'lt',
        'ne',
        'notContains',
        'notIn',
      ].sort(),
    );
  });
});

describe('combinators', () => {
  it('and requires every part, as do several fields side by side', () => {
    expect(matches({ and: [{ kind: { eq: 'TEXT' } }, { conversationId: { eq: 'c1' } }] })).toBe(true);
    expect(matches({ and: [{ kind: { eq: 'TEXT' } }, { conversationId: { eq: 'c2' } }] })).toBe(false);
    expect(matches({ kind: { eq: 'TEXT' }, conversationId: { eq: 'c2' } })).toBe(false);
  });

  it('or requires one part', () => {
    expect(matches({ or: [{ memberIds: { contains: 'carol' } }, { memberIds: { contains: 'bob' } }] })).toBe(
      true,
    );
    expect(matches({ or: [{ memberIds: { contains: 'carol' } }, { memberIds: { contains: 'dave' } }] })).toBe(
      false,
    );
  });

  it('not inverts its filter', () => {
    expect(matches({ not: { kind: { eq: 'SYSTEM' } } })).toBe(true);
    expect(matches({ not: { kind: { eq: 'TEXT' } } })).toBe(false);
  });

  it('evaluates the filter Gen 2 builds for a member combined with the client’s own filter', () => {
    const filter = {
      and: [{ or: [{ memberIds: { contains: 'alice' } }] }, { conversationId: { eq: 'c1' } }],
    };
    expect(matches(filter)).toBe(true);
    expect(matchesSubscriptionFilter(filter, { ...message, memberIds: ['bob', 'carol'] })).toBe(false);
  });

  it('evaluates AppSync’s filterGroup spelling: groups are alternatives, filters inside a group all apply', () => {
    const filter = {
      filterGroup: [
        { filters: [{ fieldName: 'kind', operator: 'eq', value: 'IMAGE' }] },
        {
          filters: [
            { fieldName: 'memberIds', operator: 'contains', value: 'alice' },
            { fieldName: 'priceWon', operator: 'le', value: 450_000_000 },
          ],
        },
      ],
    };
    expect(matches(filter)).toBe(true);
    expect(matchesSubscriptionFilter(filter, { ...message, priceWon: 460_000_000 })).toBe(false);
  });

  it('throws on an operator it does not know, so that nothing is delivered by mistake', () => {
    expect(() => matches({ kind: { like: 'TE%' } })).toThrow(SubscriptionFilterError);
    expect(() => matches({ kind: 'TEXT' })).toThrow(SubscriptionFilterError);
  });
});

describe('subscription arguments', () => {
  it('requires each non-null argument to equal the payload field of the same name', () => {
    expect(matchesSubscriptionArguments({ conversationId: 'c1', kind: null }, message)).toBe(true);
    expect(matchesSubscriptionArguments({ conversationId: 'c2' }, message)).toBe(false);
  });

  it('matches a scalar argument against a list field when the list contains it (multi-owner arguments)', () => {
    expect(matchesSubscriptionArguments({ memberIds: 'bob' }, message)).toBe(true);
    expect(matchesSubscriptionArguments({ memberIds: 'carol' }, message)).toBe(false);
  });

  it('applies a filter argument as a filter', () => {
    expect(matchesSubscriptionArguments({ filter: { body: { beginsWith: '급매' } } }, message)).toBe(true);
    expect(matchesSubscriptionArguments({ filter: { body: { beginsWith: '전세' } } }, message)).toBe(false);
  });

  it('delivers nothing for a payload that is not an object', () => {
    expect(matchesSubscriptionArguments({}, null)).toBe(false);
  });
});
