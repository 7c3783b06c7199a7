import type { LegacyFaults } from './captures';
import { invalidField } from './request-errors';

const LIMITS = {
  status: { min: 100, max: 599, integer: true },
  rate: { min: 0, max: 1, integer: false },
  delayMs: { min: 0, max: 60_000, integer: true },
} as const;

type FaultField = keyof typeof LIMITS;

/** Checks a `POST /api/legacy/faults` body; throws a 400 naming the first wrong field. */
export function parseLegacyFaults(body: unknown): LegacyFaults {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidField(
      'body',
      'must be a JSON object like { "status": 500, "rate": 0.3 } or { "delayMs": 2000 }',
    );
  }
  const faults: LegacyFaults = {};
  for (const [field, value] of Object.entries(body)) {
    if (!(field in LIMITS)) {
      throw invalidField(field, 'is not a fault setting; use status, rate or delayMs');
    }
    const { min, max, integer } = LIMITS[field as FaultField];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw invalidField(field, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    if (integer && !Number.isInteger(value)) {
      throw invalidField(field, `must be a whole number, got ${value}`);
    }
    faults[field as FaultField] = value;
  }
  if (faults.status === undefined && faults.delayMs === undefined) {
    throw invalidField('status', 'status or delayMs is required (rate alone injects nothing)');
  }
  return faults;
}
