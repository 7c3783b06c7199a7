/**
 * A record that can never succeed (a 4xx from the Legacy API, an event that fails validation).
 * Batch processing logs and drops it instead of retrying it until it ages out: Gen 1's retry storms.
 */
export class PermanentRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentRecordError';
  }
}

export function isPermanentRecordError(error: unknown): error is PermanentRecordError {
  return error instanceof PermanentRecordError;
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
