import { describe, expect, it } from 'vitest';
import { handlePushResult } from '../../../amplify/functions/push-sender/result-handling';
import { classifyDelivery } from '../../../amplify/functions/shared/push/push-client';

/** From End User Messaging's MessageResult for one token to what push-sender does about it. */
const handle = (result: { DeliveryStatus?: string; StatusMessage?: string; UpdatedToken?: string }) =>
  handlePushResult({
    token: 'old-token',
    delivery: classifyDelivery(result as Parameters<typeof classifyDelivery>[0]),
    updatedToken: result.UpdatedToken,
  });

const keep = { kind: 'keep' };
const remove = { kind: 'delete' };

describe('handlePushResult: every delivery status', () => {
  it.each([
    // status, reason, device, retry
    ['SUCCESSFUL', undefined, keep, false],
    ['PERMANENT_FAILURE', 'BadDeviceToken', remove, false],
    ['PERMANENT_FAILURE', 'Unregistered', remove, false],
    ['PERMANENT_FAILURE', 'DeviceTokenNotForTopic', remove, false],
    ['PERMANENT_FAILURE', 'NotRegistered', remove, false],
    ['PERMANENT_FAILURE', 'InvalidRegistration', remove, false],
    ['PERMANENT_FAILURE', 'MismatchSenderId', remove, false],
    ['PERMANENT_FAILURE', 'baddevicetoken', remove, false],
    ['PERMANENT_FAILURE', 'MISMATCHSENDERID', remove, false],
    ['PERMANENT_FAILURE', 'The device token is no longer active: Unregistered (410)', remove, false],
    // Issue 18: counted as a failure (retried into push-dlq), never as done.
    ['PERMANENT_FAILURE', 'PayloadTooLarge', keep, true],
    ['PERMANENT_FAILURE', 'MessageTooBig', keep, true],
    ['PERMANENT_FAILURE', 'BadCertificate', keep, false],
    ['PERMANENT_FAILURE', undefined, keep, false],
    ['TEMPORARY_FAILURE', 'ServiceUnavailable', keep, true],
    ['THROTTLED', 'TooManyRequests', keep, true],
    ['TIMEOUT', undefined, keep, true],
    ['UNKNOWN_FAILURE', undefined, keep, true],
    [undefined, undefined, keep, true],
    ['OPT_OUT', undefined, keep, false],
    ['DUPLICATE', undefined, keep, false],
    ['SOMETHING_NEW', undefined, keep, false],
  ])('%s %s: device %j, retry %s', (status, reason, device, retry) => {
    expect(handle({ DeliveryStatus: status, StatusMessage: reason })).toEqual({ device, retry });
  });

  it('does not delete a token on a temporary failure that mentions an invalid-token reason', () => {
    expect(handle({ DeliveryStatus: 'TEMPORARY_FAILURE', StatusMessage: 'Unregistered' })).toEqual({
      device: keep,
      retry: true,
    });
  });
});

describe('handlePushResult: updated tokens', () => {
  const replace = { kind: 'replace', token: 'new-token' };

  it.each([
    ['SUCCESSFUL', undefined, false],
    ['THROTTLED', undefined, true],
    ['TEMPORARY_FAILURE', undefined, true],
    ['PERMANENT_FAILURE', 'NotRegistered', false],
    ['PERMANENT_FAILURE', 'PayloadTooLarge', true],
  ])('%s %s with an updated token: replaces the device, retry %s', (status, reason, retry) => {
    expect(handle({ DeliveryStatus: status, StatusMessage: reason, UpdatedToken: 'new-token' })).toEqual({
      device: replace,
      retry,
    });
  });

  it.each(['', 'old-token'])('ignores an "updated" token %j that changes nothing', (updated) => {
    expect(handle({ DeliveryStatus: 'SUCCESSFUL', UpdatedToken: updated })).toEqual({
      device: keep,
      retry: false,
    });
  });
});
