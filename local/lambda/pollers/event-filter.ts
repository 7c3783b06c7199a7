/**
 * Lambda event filtering (FilterCriteria patterns), as event source mappings apply it before
 * invoking: a record is delivered when it matches any pattern. Patterns are JSON objects whose
 * leaves are arrays of matchers: values, and { prefix }, { suffix }, { "anything-but" },
 * { numeric }, { exists }, { "equals-ignore-case" }; `$or` holds alternatives.
 */

type Matcher = unknown;
type Pattern = { [key: string]: Pattern | Matcher[] };

export function matchesAnyPattern(record: unknown, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => matchesPattern(record, JSON.parse(pattern) as Pattern));
}

export function matchesPattern(value: unknown, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Pattern[]).some((alternative) => matchesPattern(value, alternative));
    const field =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(rule)) return matchesLeaf(field, rule);
    return field !== null && typeof field === 'object' && matchesPattern(field, rule as Pattern);
  });
}

function matchesLeaf(field: unknown, matchers: readonly Matcher[]): boolean {
  const values = Array.isArray(field) ? field : [field];
  return matchers.some((matcher) => {
    if (matcher !== null && typeof matcher === 'object') {
      const [operator, argument] = Object.entries(matcher as Record<string, unknown>)[0] ?? [];
      if (operator === 'exists') return (field !== undefined) === argument;
      return values.some((item) => matchesOperator(item, operator, argument));
    }
    return values.some((item) => item === matcher);
  });
}

function matchesOperator(value: unknown, operator: string | undefined, argument: unknown): boolean {
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(argument));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'anything-but': {
      if (value === undefined) return false;
      if (Array.isArray(argument)) return !argument.includes(value);
      if (argument !== null && typeof argument === 'object' && 'prefix' in argument) {
        return (
          typeof value === 'string' && !value.startsWith(String((argument as { prefix: unknown }).prefix))
        );
      }
      return value !== argument;
    }
    case 'numeric':
      return matchesNumeric(value, argument as unknown[]);
    default:
      throw new Error(`Unsupported filter operator "${operator}"`);
  }
}

function matchesNumeric(value: unknown, conditions: readonly unknown[]): boolean {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (Number.isNaN(number)) return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      operator === '='
        ? number === bound
        : operator === '<'
          ? number < bound
          : operator === '<='
            ? number <= bound
            : operator === '>'
              ? number > bound
              : operator === '>='
                ? number >= bound
                : false;
    if (!ok) return false;
  }
  return true;
}
