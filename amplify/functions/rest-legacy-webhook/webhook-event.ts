import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type NoticeRequest, parseNoticeRequest } from '../shared/notifications/notice-request';

/**
 * The legacy side's webhook body: an envelope `{ id, type, occurredAt, version: 1, payload }`
 * (docs/openapi.yaml, LegacyEvent). Parsing names the first wrong field, so the legacy team can
 * fix its sender from the answer alone.
 */

export const LISTING_STATUSES = ['ACTIVE', 'SOLD', 'WITHDRAWN'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

const legacyId = z.string().min(1).max(128);

const envelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  version: z.literal(1),
  payload: z.unknown(),
});

const brokerAssignedSchema = z.object({ conversationId: legacyId, brokerId: legacyId });
const listingStatusChangedSchema = z.object({
  listingId: legacyId,
  status: z.enum(LISTING_STATUSES),
  previousStatus: z.enum(LISTING_STATUSES).optional(),
});

interface Envelope {
  id: string;
  occurredAt: string;
  version: 1;
}

export type WebhookEvent = Envelope &
  (
    | { type: 'broker.assigned'; payload: z.infer<typeof brokerAssignedSchema> }
    | { type: 'listing.status_changed'; payload: z.infer<typeof listingStatusChangedSchema> }
    | { type: 'notice.published'; payload: NoticeRequest }
  );

export type WebhookEventType = WebhookEvent['type'];
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'broker.assigned',
  'listing.status_changed',
  'notice.published',
];

export type EventParse =
  | { ok: true; event: WebhookEvent; digest: string }
  | {
      ok: false;
      error: 'invalid_json' | 'invalid_request' | 'unknown_type';
      field?: string;
      message: string;
    };

const PAYLOAD_SCHEMAS = {
  'broker.assigned': brokerAssignedSchema,
  'listing.status_changed': listingStatusChangedSchema,
} as const;

function firstIssue(error: z.ZodError, prefix: string[]): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = [...prefix, ...issue.path.map(String)].join('.') || 'body';
  return { field, message: `${field}: ${issue.message}` };
}

/** JSON with sorted keys, so the same payload always has the same digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What an event id stands for: its type and payload as sent (a reused id with other content differs). */
export function eventDigest(type: string, payload: unknown): string {
  return createHash('sha256').update(canonicalJson({ type, payload })).digest('base64url');
}

/** The first problem with a notice request: its parser names fields first (`noticeId must …`). */
function noticeProblem(message: string): { field: string; message: string } {
  const problems = message.replace(/^Invalid notice request: /, '');
  const first = problems.split('; ')[0]!;
  const name = /^([A-Za-z]+(?:\.[A-Za-z]+)*) (?:must|needs)\b/.exec(first)?.[1];
  const field = name ? `payload.${name}` : 'payload';
  return { field, message: `${field}: ${first}` };
}

export function parseWebhookEvent(body: string): EventParse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, error: 'invalid_json', message: 'The body is not JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'invalid_request', field: 'body', message: 'The body must be a JSON object.' };
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) return { ok: false, error: 'invalid_request', ...firstIssue(envelope.error, []) };
  const { id, type, occurredAt, payload } = envelope.data;
  const digest = eventDigest(type, payload);
  const common = { id, occurredAt, version: 1 as const };

  if (type === 'notice.published') {
    try {
      const request = parseNoticeRequest(JSON.stringify(payload ?? null));
      return { ok: true, digest, event: { ...common, type, payload: request } };
    } catch (error) {
      return { ok: false, error: 'invalid_request', ...noticeProblem((error as Error).message) };
    }
  }
  if (type === 'broker.assigned' || type === 'listing.status_changed') {
    const parsed = PAYLOAD_SCHEMAS[type].safeParse(payload);
    if (!parsed.success)
      return { ok: false, error: 'invalid_request', ...firstIssue(parsed.error, ['payload']) };
    return { ok: true, digest, event: { ...common, type, payload: parsed.data } as WebhookEvent };
  }
  return {
    ok: false,
    error: 'unknown_type',
    field: 'type',
    message: `type: unknown event type; expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  };
}
