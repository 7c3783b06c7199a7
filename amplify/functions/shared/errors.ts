/**
 * A record that can never succeed as it is (a 4xx from the Legacy API, an event that fails
 * validation). Batch processing parks it (shared/batch.ts) instead of retrying it until it ages
 * out: Gen 1's retry storms. `status` and `detail` (scrubbed, no payload) say why, for the store.
 */
export class PermanentRecordError extends Error {
  readonly status?: number;
  readonly detail?: string;
  constructor(message: string, options?: { cause?: unknown; status?: number; detail?: string }) {
    super(message, options);
    this.name = 'PermanentRecordError';
    if (options?.status !== undefined) this.status = options.status;
    if (options?.detail !== undefined) this.detail = options.detail;
  }
}

export function isPermanentRecordError(error: unknown): error is PermanentRecordError {
  return error instanceof PermanentRecordError;
}

/**
 * A record that is not what its source promises (not JSON, no envelope): no fix on the other side
 * can make it succeed. Kept like a parked record, but classed `drop`.
 */
export class MalformedRecordError extends PermanentRecordError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedRecordError';
  }
}

/**
 * What a consumer does with a failed record (docs/events.md, "Delivery guarantees"):
 * - `retry`: reported as a batch item failure, so the queue or stream binding tries it again;
 * - `park`: it can never succeed as it is (a refusal): kept in a failure store, then acknowledged;
 * - `drop`: it is malformed: kept in the failure store like a parked record, with its reason.
 */
export type FailureClass = 'retry' | 'park' | 'drop';

export function failureClassOf(error: unknown): FailureClass {
  if (error instanceof MalformedRecordError) return 'drop';
  if (isPermanentRecordError(error)) return 'park';
  return 'retry';
}

/**
 * An error whose message is meant for the user (a refused sign-up, a limit reached). It is
 * an expected outcome, not a defect: it is logged but not reported to Sentry.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

export function isUserFacingError(error: unknown): error is UserFacingError {
  return error instanceof UserFacingError;
}
