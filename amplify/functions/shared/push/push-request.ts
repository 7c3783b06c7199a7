import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PermanentRecordError } from '../errors';

/**
 * One message on the `push` queue: a push for one user, which push-sender sends to each of the
 * user's devices (docs/push.md). Producers: message-push (new chat messages), message-read-receipt
 * (badge refreshes), notification-fanout (notifications).
 */
export interface PushRequest {
  version: 1;
  /**
   * Names the push, not the delivery: the same fact always queues the same id, and push-sender
   * sends an id once (a retried stream record or a redelivered message sends nothing twice).
   */
  pushId: string;
  recipientId: string;
  /**
   * `alert`: a visible notification (title, body, sound). `badge`: a silent update of the app
   * icon's badge (and the app's counters) on every device, e.g. after the user read a
   * conversation on another device.
   */
  kind: 'alert' | 'badge';
  title?: string;
  body?: string;
  /** Unread chats + unread notifications; absent when unknown, so the app keeps its badge. */
  badge?: number;
  deepLink?: string;
  /** A newer push with the same key replaces the older one on the device (APNs collapse id, FCM tag). */
  collapseKey?: string;
  /** Groups notifications in the iOS notification centre. */
  threadId?: string;
  /** Custom keys for the app (FCM carries strings only). */
  data: Record<string, string>;
  /** When the push was planned (ISO 8601). */
  createdAt: string;
}

const PUSH_KINDS: readonly PushRequest['kind'][] = ['alert', 'badge'];

/** SQS SendMessageBatch takes at most 10 entries. */
export const PUSH_BATCH_SIZE = 10;

const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** A queue message body as a PushRequest; a body that is not one can never be sent. */
export function parsePushRequest(body: string): PushRequest {
  let value: Partial<PushRequest> | null;
  try {
    value = JSON.parse(body) as Partial<PushRequest> | null;
  } catch {
    throw new PermanentRecordError('A push request is not JSON');
  }
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null)
    throw new PermanentRecordError('A push request is not an object');
  if (value.version !== 1) problems.push('version must be 1');
  if (typeof value.pushId !== 'string' || value.pushId === '') problems.push('pushId');
  if (typeof value.recipientId !== 'string' || value.recipientId === '') problems.push('recipientId');
  if (!PUSH_KINDS.includes(value.kind as PushRequest['kind'])) problems.push('kind');
  for (const field of ['title', 'body', 'deepLink', 'collapseKey', 'threadId'] as const) {
    if (!isOptionalString(value[field])) problems.push(field);
  }
  if (value.kind === 'alert' && (!value.title || !value.body)) problems.push('an alert needs title and body');
  if (value.badge !== undefined && !(Number.isInteger(value.badge) && value.badge >= 0))
    problems.push('badge');
  const data = value.data as unknown;
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    Object.values(data as Record<string, unknown>).some((entry) => typeof entry !== 'string')
  ) {
    problems.push('data must map strings to strings');
  }
  if (typeof value.createdAt !== 'string' || Number.isNaN(Date.parse(value.createdAt)))
    problems.push('createdAt');
  // Field names only: the values may be message previews.
  if (problems.length > 0) throw new PermanentRecordError(`Invalid push request: ${problems.join(', ')}`);
  return value as PushRequest;
}

/** Some entries of a batch were not queued; the caller fails the record so it is retried. */
export class PushQueueError extends Error {
  constructor(readonly failedPushIds: readonly string[]) {
    super(`${failedPushIds.length} push request(s) were not queued`);
    this.name = 'PushQueueError';
  }
}

const sqs = new SQSClient({});

/**
 * Queues pushes, ten to a call. Entries SQS refused make the whole call fail after the others
 * were queued: the retried record queues them again, and push-sender drops the ones it already
 * sent by pushId.
 */
export async function queuePushes(
  queueUrl: string,
  requests: readonly PushRequest[],
  client: SQSClient = sqs,
): Promise<void> {
  const failed: string[] = [];
  for (let start = 0; start < requests.length; start += PUSH_BATCH_SIZE) {
    const chunk = requests.slice(start, start + PUSH_BATCH_SIZE);
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((request, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(request),
          MessageAttributes: { kind: { DataType: 'String', StringValue: request.kind } },
        })),
      }),
    );
    for (const entry of result.Failed ?? [])
      failed.push(chunk[Number(entry.Id)]?.pushId ?? `entry ${entry.Id}`);
  }
  if (failed.length > 0) throw new PushQueueError(failed);
}
