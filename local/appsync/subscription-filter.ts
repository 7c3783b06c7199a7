/**
 * AppSync's subscription filters, evaluated against a published mutation result.
 *
 * Two spellings reach us:
 * - the model filter Gen 2 resolvers build (`{ "or": [{ "memberIds": { "contains": "<sub>" } }] }`),
 *   kept as is because `$util.transform.toSubscriptionFilter` is patched to return it;
 * - AppSync's enhanced filter (`{ "filterGroup": [{ "filters": [{ "fieldName", "operator", "value" }] }] }`).
 *
 * Anything the evaluator does not understand throws: callers treat a throw as "do not deliver".
 */

export type SubscriptionFilter = Record<string, unknown>;

export class SubscriptionFilterError extends Error {
  override name = 'SubscriptionFilterError';
}

type Operator = (actual: unknown, expected: unknown, present: boolean) => boolean;

const OPERATORS: Record<string, Operator> = {
  eq: (actual, expected) => sameValue(actual, expected),
  ne: (actual, expected) => !sameValue(actual, expected),
  gt: (actual, expected) => compare(actual, expected, (order) => order > 0),
  ge: (actual, expected) => compare(actual, expected, (order) => order >= 0),
  lt: (actual, expected) => compare(actual, expected, (order) => order < 0),
  le: (actual, expected) => compare(actual, expected, (order) => order <= 0),
  between: (actual, expected) => {
    if (!Array.isArray(expected) || expected.length !== 2) {
      throw new SubscriptionFilterError('between takes [low, high]');
    }
    return (
      compare(actual, expected[0], (order) => order >= 0) &&
      compare(actual, expected[1], (order) => order <= 0)
    );
  },
  contains: (actual, expected) => contains(actual, expected),
  notContains: (actual, expected) =>
    actual === undefined || actual === null ? true : !contains(actual, expected),
  beginsWith: (actual, expected) =>
    typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected),
  in: (actual, expected) => listOf(expected, 'in').some((candidate) => sameValue(actual, candidate)),
  notIn: (actual, expected) => !listOf(expected, 'notIn').some((candidate) => sameValue(actual, candidate)),
  attributeExists: (_actual, expected, present) => (expected === false ? !present : present),
};

export const SUBSCRIPTION_FILTER_OPERATORS = Object.keys(OPERATORS);

/** True when the payload passes the filter. */
export function matchesSubscriptionFilter(filter: unknown, payload: unknown): boolean {
  if (filter === null || filter === undefined) return true;
  if (!isRecord(filter))
    throw new SubscriptionFilterError(`A filter is an object, got ${JSON.stringify(filter)}`);
  if ('filterGroup' in filter) return matchesFilterGroups(filter.filterGroup, payload);
  return Object.entries(filter).every(([key, condition]) => {
    if (key === 'and')
      return listOf(condition, 'and').every((part) => matchesSubscriptionFilter(part, payload));
    if (key === 'or') {
      const parts = listOf(condition, 'or');
      return parts.length === 0 || parts.some((part) => matchesSubscriptionFilter(part, payload));
    }
    if (key === 'not') return !matchesSubscriptionFilter(condition, payload);
    return matchesField(key, condition, payload);
  });
}

/**
 * AppSync's argument filtering: every non-null argument of the subscription must equal the
 * payload's field of the same name. A list field (`memberIds`) matches when it contains the
 * argument. Gen 2's `filter` argument is a filter, evaluated as one.
 */
export function matchesSubscriptionArguments(args: Record<string, unknown>, payload: unknown): boolean {
  if (!isRecord(payload)) return false;
  return Object.entries(args).every(([name, value]) => {
    if (value === null || value === undefined) return true;
    if (name === 'filter' && isRecord(value)) return matchesSubscriptionFilter(value, payload);
    const actual = payload[name];
    if (Array.isArray(actual) && !Array.isArray(value)) return actual.some((item) => sameValue(item, value));
    return sameValue(actual, value);
  });
}

function matchesField(path: string, condition: unknown, payload: unknown): boolean {
  if (!isRecord(condition)) {
    throw new SubscriptionFilterError(
      `The condition on ${path} is an object of operators, got ${JSON.stringify(condition)}`,
    );
  }
  const { present, value } = fieldAt(payload, path);
  return Object.entries(condition).every(([operatorName, expected]) => {
    const operator = OPERATORS[operatorName];
    if (!operator) throw new SubscriptionFilterError(`Unknown filter operator ${operatorName} on ${path}`);
    return operator(value, expected, present);
  });
}

function matchesFilterGroups(groups: unknown, payload: unknown): boolean {
  return listOf(groups, 'filterGroup').some((group) => {
    if (!isRecord(group)) throw new SubscriptionFilterError('A filterGroup entry is an object with filters');
    return listOf(group.filters, 'filters').every((rule) => {
      if (!isRecord(rule) || typeof rule.fieldName !== 'string' || typeof rule.operator !== 'string') {
        throw new SubscriptionFilterError(
          `A filter rule has fieldName, operator and value: ${JSON.stringify(rule)}`,
        );
      }
      return matchesField(rule.fieldName, { [rule.operator]: rule.value }, payload);
    });
  });
}

/** `a.b.c` reaches into nested objects, as AppSync's filters do. */
function fieldAt(payload: unknown, path: string): { present: boolean; value: unknown } {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (!isRecord(current) || !(segment in current)) return { present: false, value: undefined };
    current = current[segment];
  }
  return { present: current !== null && current !== undefined, value: current };
}

function compare(actual: unknown, expected: unknown, accept: (order: number) => boolean): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') return accept(actual - expected);
  if (typeof actual === 'string' && typeof expected === 'string') {
    return accept(actual < expected ? -1 : actual > expected ? 1 : 0);
  }
  return false;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((item) => sameValue(item, expected));
  return false;
}

/** Structural equality that ignores prototypes (GraphQL builds argument objects without one). */
function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => sameValue(item, right[index]))
    );
  }
  if (!isRecord(left) || !isRecord(right)) return false;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => key in right && sameValue(left[key], right[key]))
  );
}

function listOf(value: unknown, operator: string): unknown[] {
  if (!Array.isArray(value))
    throw new SubscriptionFilterError(`${operator} takes a list, got ${JSON.stringify(value)}`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
