import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { config } from './config';
import { type EventEnvelope, eventEnvelope } from './events';
import type { LegacyRequest } from './legacy-client';

/**
 * Legacy API writes that are not events (docs/events.md, "Commands"): put on the `legacy-relay`
 * queue as envelopes and delivered by legacy-event-relay with the same retries, parking and
 * Idempotency-Key (the envelope id) as events. The relay maps a command's `type` to its request
 * only through this catalog: a message can never make the relay call a path of its choosing.
 */
export const LEGACY_COMMANDS = {
  /** docs/legacy-api.md `POST /v1/crm/conversations`: the payload is the body. */
  'crm.conversation': { method: 'POST', path: '/v1/crm/conversations', body: (payload) => payload },
  /** docs/legacy-api.md `POST /v1/real-transactions` (the crawler's save()): the payload's rows. */
  'real-transactions.save': {
    method: 'POST',
    path: '/v1/real-transactions',
    body: (payload) => (Array.isArray(payload.rows) ? payload.rows : undefined),
  },
} as const satisfies Record<
  string,
  {
    method: LegacyRequest['method'];
    path: string;
    /** The request body from the payload; undefined when the payload cannot make one. */
    body: (payload: Record<string, unknown>) => unknown;
  }
>;

export type LegacyCommandType = keyof typeof LEGACY_COMMANDS;

/**
 * The rows a save's `400 invalid_rows` answer names (docs/legacy-api.md), sorted and within the
 * request; undefined when it names none usable. The Legacy API saves nothing from such a request.
 */
export function invalidRowIndexes(answer: unknown, rowCount: number): number[] | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { error, details } = answer as { error?: unknown; details?: unknown };
  if (error !== 'invalid_rows' || !Array.isArray(details)) return undefined;
  const indexes = details
    .map((detail) => (detail as { index?: unknown } | null)?.index)
    .filter(
      (index): index is number =>
        Number.isInteger(index) && (index as number) >= 0 && (index as number) < rowCount,
    );
  const unique = [...new Set(indexes)].sort((a, b) => a - b);
  return unique.length > 0 ? unique : undefined;
}

export function isLegacyCommandType(type: string): type is LegacyCommandType {
  return Object.hasOwn(LEGACY_COMMANDS, type);
}

export function legacyCommand<P extends Record<string, unknown>>(
  type: LegacyCommandType,
  id: string,
  payload: P,
  occurredAt: Date,
): EventEnvelope<LegacyCommandType, P> {
  return eventEnvelope(type, id, payload, occurredAt);
}

const sqs = new SQSClient({});

/** Queues an envelope (command or event) for the relay; succeeds while the Legacy API is down. */
export async function queueForLegacy(
  envelope: EventEnvelope<string, unknown>,
  options: { queueUrl?: string; client?: Pick<SQSClient, 'send'> } = {},
): Promise<void> {
  const client = options.client ?? sqs;
  await client.send(
    new SendMessageCommand({
      QueueUrl: options.queueUrl ?? config.legacyRelayQueueUrl(),
      MessageBody: JSON.stringify(envelope),
      // The same attributes an SNS publish carries, so the queue's messages look alike.
      MessageAttributes: {
        type: { DataType: 'String', StringValue: envelope.type },
        version: { DataType: 'Number', StringValue: String(envelope.version) },
      },
    }),
  );
}
