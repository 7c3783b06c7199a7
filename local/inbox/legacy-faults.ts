import { invalidField } from './request-errors';
import type { LegacyFaults } from './sources';

const LIMITS = {
  status: { min: 100, max: 599, integer: true },
  rate: { min: 0, max: 1, integer: false },
  delayMs: { min: 0, max: 60_000, integer: true },
  count: { min: 1, max: 1_000_000, integer: true },
} as const;

type NumericField = keyof typeof LIMITS;
const FIELDS = 'status, rate, delayMs, paths or count';

/** Checks a `POST /api/legacy/faults` body (docs/legacy-api.md, "Faults"); throws a 400 naming the first wrong field. */
export function parseLegacyFaults(body: unknown): LegacyFaults {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidField(
      'body',
      'must be a JSON object like { "status": 500, "rate": 0.3 }, { "delayMs": 2000 } or { "status": 404, "paths": "/v1/events", "count": 3 }',
    );
  }
  const faults: LegacyFaults = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === 'paths') {
      faults.paths = parsePaths(value);
      continue;
    }
    if (!(field in LIMITS)) {
      throw invalidField(field, `is not a fault setting; use ${FIELDS}`);
    }
    const { min, max, integer } = LIMITS[field as NumericField];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw invalidField(field, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    if (integer && !Number.isInteger(value)) {
      throw invalidField(field, `must be a whole number, got ${value}`);
    }
    faults[field as NumericField] = value;
  }
  if (faults.status === undefined && faults.delayMs === undefined) {
    throw invalidField('status', 'status or delayMs is required (rate, paths or count alone inject nothing)');
  }
  return faults;
}

/** A path prefix (`/v1/events`) or a regular expression (`^/v1/crm/`), as the stand-in matches it. */
function parsePaths(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidField(
      'paths',
      `must be a path prefix or a regular expression, got ${JSON.stringify(value)}`,
    );
  }
  try {
    new RegExp(value);
  } catch {
    throw invalidField('paths', `is neither a path prefix nor a valid regular expression: ${value}`);
  }
  return value;
}
