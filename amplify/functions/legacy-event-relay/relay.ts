import { PermanentRecordError } from '../shared/errors';
import type { EventEnvelope } from '../shared/events';
import { type LegacyClient, LegacyRejectedError } from '../shared/legacy-client';

/**
 * The last hop of the event flows: an envelope from the `legacy-relay` queue (SNS raw delivery,
 * so the SQS body is the published JSON) to the Legacy API's `POST /v1/events`.
 *
 * What happens to a message:
 * - delivered (202) or already delivered (200 duplicate): done
 * - malformed body, or refused by the Legacy API with a 4xx: a PermanentRecordError, which the
 *   batch drops and records instead of retrying
 * - auth failure after a token refresh, unavailable after the retries, circuit open: thrown as is,
 *   so the message is a batch item failure, retried by the queue, then dead-lettered by its redrive
 */

/** The relay forwards any version; the Legacy API answers 400 unsupported_version to one it can't read. */
export type RelayedEnvelope = Omit<EventEnvelope, 'version'> & { version: number };

export type DeliveryOutcome = 'accepted' | 'duplicate';

export class MalformedEnvelopeError extends PermanentRecordError {
  constructor(reason: string) {
    super(`Not an event envelope: ${reason}`);
    this.name = 'MalformedEnvelopeError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The envelope in an SQS body, or why there is none. A body still wrapped as an SNS notification
 * (raw delivery switched off) is unwrapped rather than dropped.
 */
export function parseEnvelope(body: string): RelayedEnvelope | MalformedEnvelopeError {
  let value = parseJson(body);
  if (value === undefined) return new MalformedEnvelopeError('the body is not JSON');
  if (isObject(value) && value.Type === 'Notification' && typeof value.Message === 'string') {
    value = parseJson(value.Message);
  }
  if (!isObject(value)) return new MalformedEnvelopeError('the body is not a JSON object');
  const { type, id, version, occurredAt, payload } = value;
  if (!nonEmptyString(type)) return new MalformedEnvelopeError('no "type"');
  if (!nonEmptyString(id)) return new MalformedEnvelopeError('no "id"');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return new MalformedEnvelopeError('no "version" (a positive integer)');
  }
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    return new MalformedEnvelopeError('"occurredAt" is not an instant');
  }
  if (!isObject(payload)) return new MalformedEnvelopeError('"payload" is not an object');
  return { type, id, version, occurredAt, payload };
}

/** POSTs one envelope; the id is the Idempotency-Key, so a redelivery is answered as a duplicate. */
export async function deliverEnvelope(
  envelope: RelayedEnvelope,
  legacy: LegacyClient,
): Promise<DeliveryOutcome> {
  const answer = await legacy.request<{ duplicate?: boolean } | undefined>({
    method: 'POST',
    path: '/v1/events',
    body: envelope,
    idempotencyKey: envelope.id,
  });
  return answer?.duplicate === true ? 'duplicate' : 'accepted';
}

/** One queue message: parse, then deliver. Throws as described at the top of this module. */
export async function relayMessage(
  body: string,
  legacy: LegacyClient,
): Promise<{ id: string; type: string; outcome: DeliveryOutcome }> {
  const envelope = parseEnvelope(body);
  if (envelope instanceof MalformedEnvelopeError) throw envelope;
  const outcome = await deliverEnvelope(envelope, legacy);
  return { id: envelope.id, type: envelope.type, outcome };
}

export interface DroppedEvent {
  /** Absent when the body had no readable envelope. */
  id?: string;
  type?: string;
  reason: 'malformed' | 'rejected';
  status?: number;
  detail: string;
}

/** What to record about a dropped message: enough to find and replay it, never its payload. */
export function droppedEvent(body: string, error: unknown): DroppedEvent {
  const envelope = parseEnvelope(body);
  const ids = envelope instanceof MalformedEnvelopeError ? {} : { id: envelope.id, type: envelope.type };
  if (error instanceof LegacyRejectedError) {
    return { ...ids, reason: 'rejected', status: error.status, detail: error.detail };
  }
  return { ...ids, reason: 'malformed', detail: error instanceof Error ? error.message : String(error) };
}
