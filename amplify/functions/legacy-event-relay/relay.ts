import { MalformedRecordError } from '../shared/errors';
import type { EventEnvelope } from '../shared/events';
import { type LegacyClient, LegacyRejectedError, type LegacyRequest } from '../shared/legacy-client';
import { invalidRowIndexes, isLegacyCommandType, LEGACY_COMMANDS } from '../shared/legacy-commands';

/**
 * The last hop to the Legacy API: an envelope from the `legacy-relay` queue (SNS raw delivery of
 * events, or a command queued by a function) to its request. A command's `type` names its request
 * in the catalog (shared/legacy-commands.ts); every other type is an event for `POST /v1/events`.
 *
 * What happens to a message (shared/batch.ts carries it out; docs/events.md, "Delivery guarantees"):
 * - delivered (2xx) or already delivered (200 duplicate): done;
 * - retry: unavailable after the client's retries (5xx, 408, 429, timeouts), the circuit open, or
 *   401/403 even after one token refresh: a batch item failure, received again later;
 * - park: refused with any other 4xx (a LegacyRejectedError): to `legacy-relay-dlq` with the
 *   status and the response's start, then acknowledged;
 * - drop: not an envelope, or a command whose payload can make no request (a
 *   MalformedEnvelopeError): kept in `legacy-relay-dlq` like a parked one, with the reason.
 * A `real-transactions.save` refused for some of its rows (400 invalid_rows: the Legacy API saves
 * none of them) sends the other rows at once under their own Idempotency-Key, then parks the
 * command, so one bad row no longer holds back a whole chunk of trades; a redrive sends the named
 * rows again and the others are answered as duplicates.
 */

/** The relay forwards any version; the Legacy API answers 400 unsupported_version to one it can't read. */
export type RelayedEnvelope = Omit<EventEnvelope, 'version'> & { version: number };

export type DeliveryOutcome = 'accepted' | 'duplicate';

export class MalformedEnvelopeError extends MalformedRecordError {
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

/**
 * The request an envelope stands for. The id is the Idempotency-Key, so a redelivery is answered
 * as a duplicate. Only the catalog's paths: a message never chooses one.
 */
export function legacyRequestFor(envelope: RelayedEnvelope): LegacyRequest | MalformedEnvelopeError {
  if (!isLegacyCommandType(envelope.type)) {
    return { method: 'POST', path: '/v1/events', body: envelope, idempotencyKey: envelope.id };
  }
  const command = LEGACY_COMMANDS[envelope.type];
  const body = command.body(envelope.payload);
  if (body === undefined) {
    return new MalformedEnvelopeError(`the payload of a ${envelope.type} command makes no request body`);
  }
  return { method: command.method, path: command.path, body, idempotencyKey: envelope.id };
}

/** Sends one envelope's request. */
export async function deliverEnvelope(
  envelope: RelayedEnvelope,
  legacy: LegacyClient,
): Promise<DeliveryOutcome> {
  const request = legacyRequestFor(envelope);
  if (request instanceof MalformedEnvelopeError) throw request;
  try {
    const answer = await legacy.request<{ duplicate?: boolean } | undefined>(request);
    return isObject(answer) && answer.duplicate === true ? 'duplicate' : 'accepted';
  } catch (error) {
    const split = envelope.type === 'real-transactions.save' ? withoutInvalidRows(request, error) : undefined;
    if (!split) throw error;
    await legacy.request(split.rest);
    throw new LegacyRejectedError(
      400,
      `invalid_rows: ${split.invalid.length} of ${split.rowCount} rows refused (indexes ${shortList(split.invalid)}); ` +
        `the other ${split.rowCount - split.invalid.length} were saved with Idempotency-Key ${split.rest.idempotencyKey}`,
    );
  }
}

/** The save without the rows a `400 invalid_rows` names; undefined when it names none, or all. */
function withoutInvalidRows(
  request: LegacyRequest,
  error: unknown,
): { rest: LegacyRequest; invalid: number[]; rowCount: number } | undefined {
  if (!(error instanceof LegacyRejectedError) || error.status !== 400 || !Array.isArray(request.body)) {
    return undefined;
  }
  const rows: unknown[] = request.body;
  const invalid = invalidRowIndexes(error.answer, rows.length);
  if (!invalid || invalid.length === rows.length) return undefined;
  const named = new Set(invalid);
  return {
    rest: {
      ...request,
      body: rows.filter((_row, index) => !named.has(index)),
      idempotencyKey: `${request.idempotencyKey}:without-invalid`,
    },
    invalid,
    rowCount: rows.length,
  };
}

const shortList = (indexes: number[]): string =>
  indexes.length > 20 ? `${indexes.slice(0, 20).join(', ')}, …` : indexes.join(', ');

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

/** A message's identity for logs, Sentry and the DLQ: its envelope's id and type, never its payload. */
export function envelopeIdentity(body: string): Record<string, string> | undefined {
  const envelope = parseEnvelope(body);
  return envelope instanceof MalformedEnvelopeError
    ? undefined
    : { eventId: envelope.id, type: envelope.type };
}
