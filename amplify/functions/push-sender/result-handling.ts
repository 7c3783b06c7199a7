import type { PushResult } from '../shared/push/push-client';

/**
 * What push-sender does after one token's SendMessages result (docs/push.md, "push-sender"):
 * - the device row: deleted only when the provider says the token is invalid (PERMANENT_FAILURE
 *   with BadDeviceToken, Unregistered, DeviceTokenNotForTopic, NotRegistered, InvalidRegistration
 *   or MismatchSenderId, in any case); moved to the new token when the result carries one; kept
 *   otherwise, whatever else failed;
 * - the delivery: retried (the queue message is reported as a batch item failure) when the failure
 *   is temporary (THROTTLED, TEMPORARY_FAILURE, TIMEOUT, UNKNOWN_FAILURE, no result, a failed
 *   call) or the payload is too large (PayloadTooLarge, or over the limit even shortened): that
 *   one fails until the message lands in push-dlq, where it can be seen and redriven, instead of
 *   counting as done (issue 18). Final otherwise, so a redelivery never sends it again.
 */

export type DeviceChange = { kind: 'keep' } | { kind: 'delete' } | { kind: 'replace'; token: string };

export interface ResultHandling {
  device: DeviceChange;
  retry: boolean;
}

export function handlePushResult(
  result: Pick<PushResult, 'token' | 'delivery' | 'updatedToken'>,
): ResultHandling {
  const retry = result.delivery === 'retry' || result.delivery === 'too-large';
  // The new token supersedes the old one, whatever became of this send: replacing removes the old row.
  if (result.updatedToken && result.updatedToken !== result.token) {
    return { device: { kind: 'replace', token: result.updatedToken }, retry };
  }
  if (result.delivery === 'invalid-token') return { device: { kind: 'delete' }, retry };
  return { device: { kind: 'keep' }, retry };
}
