import type { SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import { deviceIdForToken, type PushMessage, type PushResult } from '../shared/push/push-client';
import { type PushRequest, parsePushRequest } from '../shared/push/push-request';
import type { DeliveryLog } from './delivery-log';
import { type DeviceRow, devicePush, sendableDevices } from './device-push';
import type { DeviceStore } from './device-store';
import { type DeviceChange, handlePushResult } from './result-handling';

export interface PushSenderDeps {
  devices: DeviceStore;
  deliveries: DeliveryLog;
  /** SendMessages for every message (≤ 100 addresses a call), one result per message, in order. */
  send: (messages: readonly PushMessage[]) => Promise<PushResult[]>;
}

/** Some of a push's devices must be sent to again: its queue message is redelivered. */
export class PushRetryError extends Error {
  constructor(
    readonly pushId: string,
    readonly reasons: readonly string[],
  ) {
    super(`Push ${pushId} will be retried: ${[...new Set(reasons)].join(', ')}`);
    this.name = 'PushRetryError';
  }
}

/** What became of one push, for its log line (ids and counts only: no token, no text). */
interface PushTally {
  devices: number;
  skipped: number;
  delivered: number;
  failed: number;
  removed: number;
  replaced: number;
}

interface Push {
  messageId: string;
  request: PushRequest;
  retryReasons: string[];
  tally: PushTally;
}

interface Delivery {
  push: Push;
  device: DeviceRow;
  message: PushMessage;
}

interface PlannedChange {
  device: DeviceRow;
  change: DeviceChange;
  push: Push;
}

export type QueueMessage = Pick<SQSRecord, 'messageId' | 'body'>;

/** One push per pushId; a body that is not a push request is its message's (permanent) error. */
function readPushes(records: readonly QueueMessage[], errors: Map<string, Error | undefined>): Push[] {
  const pushes = new Map<string, Push>();
  for (const record of records) {
    let request: PushRequest;
    try {
      request = parsePushRequest(record.body);
    } catch (error) {
      errors.set(record.messageId, error as Error);
      continue;
    }
    if (pushes.has(request.pushId)) {
      // The first copy sends it, and is redelivered itself if it must be.
      logger.info('Duplicate push in the batch', { pushId: request.pushId });
      errors.set(record.messageId, undefined);
      continue;
    }
    const tally = { devices: 0, skipped: 0, delivered: 0, failed: 0, removed: 0, replaced: 0 };
    pushes.set(request.pushId, { messageId: record.messageId, request, retryReasons: [], tally });
  }
  return [...pushes.values()];
}

/** Each recipient's sendable devices, read once per batch; absent when the read failed. */
async function recipientDevices(
  pushes: readonly Push[],
  store: DeviceStore,
): Promise<Map<string, DeviceRow[]>> {
  const userIds = [...new Set(pushes.map((push) => push.request.recipientId))];
  const reads = await Promise.allSettled(userIds.map((userId) => store.devicesOf(userId)));
  const devices = new Map<string, DeviceRow[]>();
  reads.forEach((read, index) => {
    const userId = userIds[index]!;
    if (read.status === 'fulfilled') devices.set(userId, sendableDevices(read.value, userId));
    else
      logger.warn('Could not read the devices of a recipient', { recipientId: userId, error: read.reason });
  });
  return devices;
}

/** Every (push, device) with something to send. */
function plannedDeliveries(pushes: readonly Push[], devices: Map<string, DeviceRow[]>): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const push of pushes) {
    const recipientDevices = devices.get(push.request.recipientId);
    if (!recipientDevices) {
      push.retryReasons.push('devices unreadable');
      continue;
    }
    push.tally.devices = recipientDevices.length;
    for (const device of recipientDevices) {
      const message = devicePush(push.request, device);
      if (message) deliveries.push({ push, device, message });
      else push.tally.skipped += 1;
    }
  }
  return deliveries;
}

/** The deliveries this invocation may send: claimed, not sent before, not being sent elsewhere. */
async function claimDeliveries(deliveries: readonly Delivery[], log: DeliveryLog): Promise<Delivery[]> {
  const claims = await Promise.allSettled(
    deliveries.map(({ push, device }) => log.claim(push.request.pushId, device.id)),
  );
  const claimed: Delivery[] = [];
  claims.forEach((claim, index) => {
    const delivery = deliveries[index]!;
    const { push } = delivery;
    if (claim.status === 'rejected') {
      logger.warn('Could not claim a delivery', { pushId: push.request.pushId, error: claim.reason });
      push.retryReasons.push('claim failed');
    } else if (claim.value === 'claimed') claimed.push(delivery);
    else if (claim.value === 'sent') push.tally.skipped += 1;
    // Another invocation is sending it; should that one fail, this copy's retry still sends it.
    else push.retryReasons.push('being sent elsewhere');
  });
  return claimed;
}

/** Sends, then records each delivery (final) or releases it (retried); returns the device changes. */
async function sendAndRecord(claimed: readonly Delivery[], deps: PushSenderDeps) {
  const release = ({ push, device }: Delivery) => deps.deliveries.release(push.request.pushId, device.id);
  let results: PushResult[];
  try {
    results = await deps.send(claimed.map((delivery) => delivery.message));
  } catch (error) {
    // Provider answers and failed calls come back as results; this is a defect (e.g. no app id).
    await Promise.allSettled(claimed.map(release));
    throw error;
  }

  const changes = new Map<string, PlannedChange>();
  const records = claimed.map(async (delivery, index) => {
    const result = results[index]!;
    const { push, device } = delivery;
    const handling = handlePushResult(result);
    if (handling.device.kind !== 'keep' && !changes.has(device.id)) {
      changes.set(device.id, { device, change: handling.device, push });
    }
    if (handling.retry) {
      push.retryReasons.push(
        result.delivery === 'too-large' ? 'PayloadTooLarge' : (result.deliveryStatus ?? 'no result'),
      );
      await release(delivery);
      return;
    }
    if (result.delivery === 'delivered') push.tally.delivered += 1;
    else push.tally.failed += 1;
    await deps.deliveries.markSent(push.request.pushId, device.id);
    // The same device under its new token (its row moves to that token's id): a redelivery of this
    // push, for another device's sake, must not send it to the phone again.
    if (handling.device.kind === 'replace') {
      await deps.deliveries.markSent(push.request.pushId, deviceIdForToken(handling.device.token));
    }
  });
  const recorded = await Promise.allSettled(records);
  // Not retried: the send happened, and a redelivery would send it again once the claim expires.
  for (const failure of recorded.filter((outcome) => outcome.status === 'rejected')) {
    logger.warn('Could not record a delivery', { error: failure.reason });
  }
  return changes;
}

/** Deletes dead tokens and moves updated ones; a failure waits for the token's next push. */
async function applyDeviceChanges(changes: Map<string, PlannedChange>, store: DeviceStore): Promise<void> {
  const applied = await Promise.allSettled(
    [...changes.values()].map(async ({ device, change, push }) => {
      if (change.kind === 'delete') {
        await store.remove(device);
        push.tally.removed += 1;
      } else if (change.kind === 'replace') {
        if ((await store.replaceToken(device, change.token)) !== 'gone') push.tally.replaced += 1;
      }
    }),
  );
  for (const failure of applied.filter((outcome) => outcome.status === 'rejected')) {
    logger.warn('Could not update a device after its push result', { error: failure.reason });
  }
}

/**
 * Sends a batch of push requests (queue messages) to their recipients' devices, sharing
 * SendMessages calls across the batch, and acts on each token's result (result-handling.ts).
 * Returns each message's error: a PermanentRecordError for a body that is not a push request,
 * a PushRetryError when some of its devices must be tried again, undefined when it is done.
 */
export async function sendPushes(
  records: readonly QueueMessage[],
  deps: PushSenderDeps,
): Promise<Map<string, Error | undefined>> {
  const errors = new Map<string, Error | undefined>();
  const pushes = readPushes(records, errors);
  const deliveries = plannedDeliveries(pushes, await recipientDevices(pushes, deps.devices));
  const claimed = await claimDeliveries(deliveries, deps.deliveries);
  const changes = await sendAndRecord(claimed, deps);
  await applyDeviceChanges(changes, deps.devices);

  for (const push of pushes) {
    const retry = push.retryReasons.length > 0;
    errors.set(
      push.messageId,
      retry ? new PushRetryError(push.request.pushId, push.retryReasons) : undefined,
    );
    logger.info(retry ? 'Push partly sent; retrying the rest' : 'Push sent', {
      pushId: push.request.pushId,
      recipientId: push.request.recipientId,
      kind: push.request.kind,
      ...push.tally,
      retrying: push.retryReasons.length,
    });
  }
  return errors;
}
