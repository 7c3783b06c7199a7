import { AwsError } from '../gateway/protocols';
import type { SnsMessageAttribute } from './sns-service';

/**
 * SNS subscription filter policies: exact strings and numbers, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (a value, a list, or `{ prefix }`), `numeric` ranges,
 * `exists`, and `$or`. Scope `MessageAttributes` (the default) or `MessageBody` (nested keys).
 */
export type FilterPolicy = { [key: string]: unknown };
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

type Scalar = string | number | boolean | null;

const OPERATORS = new Set(['exists', 'prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric']);

function invalidPolicy(reason: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: FilterPolicy: ${reason}`);
}

/** Parses and checks a policy the way Subscribe / SetSubscriptionAttributes would. */
export function parseFilterPolicy(text: string): FilterPolicy {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalidPolicy('not valid JSON');
  }
  checkPolicy(policy);
  return policy as FilterPolicy;
}

function checkPolicy(policy: unknown): void {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw invalidPolicy('a policy must be a JSON object');
  }
  for (const [key, rules] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(rules)) throw invalidPolicy('$or takes a list of policies');
      for (const alternative of rules) checkPolicy(alternative);
    } else if (Array.isArray(rules)) {
      for (const rule of rules) {
        if (typeof rule !== 'object' || rule === null) continue;
        for (const operator of Object.keys(rule)) {
          if (!OPERATORS.has(operator)) throw invalidPolicy(`unsupported operator ${operator} for ${key}`);
        }
      }
    } else if (typeof rules === 'object' && rules !== null) {
      checkPolicy(rules);
    } else {
      throw invalidPolicy(`the rules for ${key} must be a list`);
    }
  }
}

export function matchesFilterPolicy(
  policy: FilterPolicy,
  scope: FilterPolicyScope,
  message: { attributes: Record<string, SnsMessageAttribute>; body: string },
): boolean {
  if (scope === 'MessageBody') {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      return false;
    }
    return matchObject(policy, body);
  }
  return matchObject(policy, attributeValues(message.attributes), true);
}

/** The values a policy sees for each message attribute; binary attributes are not matchable. */
function attributeValues(attributes: Record<string, SnsMessageAttribute>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, { DataType, StringValue }] of Object.entries(attributes)) {
    if (StringValue === undefined) continue;
    if (DataType.startsWith('Number')) values[name] = Number(StringValue);
    else if (DataType === 'String.Array') {
      try {
        values[name] = JSON.parse(StringValue);
      } catch {
        values[name] = StringValue;
      }
    } else if (DataType.startsWith('String')) values[name] = StringValue;
  }
  return values;
}

function matchObject(policy: FilterPolicy, subject: unknown, flat = false): boolean {
  const record = typeof subject === 'object' && subject !== null ? (subject as Record<string, unknown>) : {};
  return Object.entries(policy).every(([key, rules]) => {
    if (key === '$or')
      return (rules as FilterPolicy[]).some((alternative) => matchObject(alternative, subject, flat));
    if (Array.isArray(rules)) return matchRules(rules, valuesOf(record[key]));
    // Nested keys only make sense in a message body.
    return !flat && matchObject(rules as FilterPolicy, record[key]);
  });
}

function valuesOf(value: unknown): Scalar[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is Scalar => typeof item !== 'object' || item === null);
}

function matchRules(rules: unknown[], values: Scalar[] | undefined): boolean {
  return rules.some((rule) => matchRule(rule, values));
}

function matchRule(rule: unknown, values: Scalar[] | undefined): boolean {
  if (typeof rule === 'object' && rule !== null && 'exists' in rule) {
    return (rule as { exists: boolean }).exists === (values !== undefined);
  }
  if (values === undefined) return false;
  if (typeof rule !== 'object' || rule === null) return values.some((value) => value === rule);
  const operators = rule as Record<string, unknown>;
  const strings = values.filter((value): value is string => typeof value === 'string');
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if ('prefix' in operators) return strings.some((value) => value.startsWith(String(operators.prefix)));
  if ('suffix' in operators) return strings.some((value) => value.endsWith(String(operators.suffix)));
  if ('equals-ignore-case' in operators) {
    const expected = String(operators['equals-ignore-case']).toLowerCase();
    return strings.some((value) => value.toLowerCase() === expected);
  }
  if ('anything-but' in operators) {
    const excluded = operators['anything-but'];
    if (typeof excluded === 'object' && excluded !== null && 'prefix' in excluded) {
      const prefix = String((excluded as { prefix: unknown }).prefix);
      return strings.some((value) => !value.startsWith(prefix));
    }
    const list = Array.isArray(excluded) ? excluded : [excluded];
    return values.some((value) => !list.includes(value));
  }
  if ('numeric' in operators) {
    const conditions = operators.numeric as unknown[];
    return numbers.some((value) => matchNumeric(conditions, value));
  }
  return false;
}

function matchNumeric(conditions: unknown[], value: number): boolean {
  for (let index = 0; index + 1 < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = Number(conditions[index + 1]);
    const holds =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : false;
    if (!holds) return false;
  }
  return true;
}
