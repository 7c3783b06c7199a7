import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { parseStreamFailure, readStreamBatch, type StreamFailureMessage } from './stream-batch';

/**
 * The way back from every failure store (docs/events.md, "Dead letters and redrive"):
 * a DLQ is moved back to its work queue with an SQS message move task; `stream-failures` is
 * replayed by invoking the named function with the records again. The same code runs from
 * `npm run redrive` against AWS and from the dev inbox against the local sandbox; only the
 * target (clients, names, invocation) differs.
 */

export const STREAM_FAILURES = 'stream-failures';

/** A stream consumer's answer to a replayed batch. */
export type InvokeOutcome = { ok: true; failedItems: string[] } | { ok: false; error: string };

export interface RedriveTarget {
  sqs: SQSClient;
  streams: DynamoDBStreamsClient;
  /** The deployment's queue name for a base name: `push-dlq` → `dev-push-dlq` (amplify/environment.ts). */
  queueName(base: string): string;
  /** The stream to read for the ARN an on-failure record names. */
  streamArn(recordedArn: string): Promise<string>;
  /** The event filter patterns of the mapping from that stream to that function (none: every record). */
  filterPatterns(functionArn: string, streamArn: string): Promise<string[]>;
  invoke(functionArn: string, event: { Records: unknown[] }): Promise<InvokeOutcome>;
}

/** What a dead letter shows: its id, when it was sent, its reason attributes and its body. */
export interface DeadLetterView {
  messageId: string;
  sentAt?: string;
  receiveCount?: number;
  attributes: Record<string, string>;
  body: unknown;
}

export interface DeadLetterRedriveReport {
  kind: 'dead-letter-queue';
  queue: string;
  destination: string;
  dryRun: boolean;
  /** ApproximateNumberOfMessages when the redrive started. */
  count: number;
  /** The messages a dry run saw (up to 100). */
  messages: DeadLetterView[];
  task?: {
    status: string;
    moved: number;
    toMove: number;
    failureReason?: string;
  };
}

export interface ReplayResult {
  messageId: string;
  functionArn?: string;
  records: number;
  /** replayed (and deleted), would-replay (dry run), or failed (kept on the queue). */
  outcome: 'replayed' | 'would-replay' | 'failed';
  reason?: string;
  attributes: Record<string, string>;
}

export interface StreamFailureReplayReport {
  kind: 'stream-failures';
  queue: string;
  dryRun: boolean;
  count: number;
  results: ReplayResult[];
}

export type RedriveReport = DeadLetterRedriveReport | StreamFailureReplayReport;

export class RedriveError extends Error {}

export interface RedriveOptions {
  dryRun?: boolean;
  /** How long to follow a move task before reporting it as still running. */
  waitMs?: number;
  onProgress?: (line: string) => void;
}

/** `push-dlq`, `legacy-relay-dlq`, … or `stream-failures`: redrives or replays it. */
export async function redrive(
  target: RedriveTarget,
  base: string,
  options: RedriveOptions = {},
): Promise<RedriveReport> {
  if (base === STREAM_FAILURES) return replayStreamFailures(target, options);
  if (!/^[a-z0-9-]+-dlq$/.test(base)) {
    throw new RedriveError(
      `"${base}" is not a failure store: name a dead-letter queue (push-dlq, notice-dlq, legacy-relay-dlq, …) or stream-failures`,
    );
  }
  return redriveDeadLetterQueue(target, base, options);
}

async function queueUrl(target: RedriveTarget, name: string): Promise<string> {
  try {
    const { QueueUrl } = await target.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return QueueUrl!;
  } catch (error) {
    if ((error as Error).name === 'QueueDoesNotExist')
      throw new RedriveError(`No queue named ${name} in this deployment`);
    throw error;
  }
}

async function queueAttributes(target: RedriveTarget, url: string): Promise<Record<string, string>> {
  const { Attributes } = await target.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return Attributes ?? {};
}

/** Moves a DLQ's messages back to the work queue whose redrive policy names it. */
export async function redriveDeadLetterQueue(
  target: RedriveTarget,
  base: string,
  options: RedriveOptions = {},
): Promise<DeadLetterRedriveReport> {
  const dlqName = target.queueName(base);
  const sourceName = target.queueName(base.replace(/-dlq$/, ''));
  const dlqUrl = await queueUrl(target, dlqName);
  const sourceUrl = await queueUrl(target, sourceName);
  const dlq = await queueAttributes(target, dlqUrl);
  const source = await queueAttributes(target, sourceUrl);
  const policy = source.RedrivePolicy
    ? (JSON.parse(source.RedrivePolicy) as { deadLetterTargetArn?: string })
    : {};
  if (policy.deadLetterTargetArn !== dlq.QueueArn) {
    throw new RedriveError(
      `${dlqName} is not the dead-letter queue of ${sourceName} (its redrive policy names another)`,
    );
  }
  const count = Number(dlq.ApproximateNumberOfMessages ?? 0);
  const report: DeadLetterRedriveReport = {
    kind: 'dead-letter-queue',
    queue: dlqName,
    destination: sourceName,
    dryRun: !!options.dryRun,
    count,
    messages: [],
  };
  if (options.dryRun) {
    report.messages = (await peek(target, dlqUrl, 100)).map(viewOf);
    return report;
  }
  // A dead letter someone is looking at (in flight) is moved as soon as it is visible again.
  if (count + Number(dlq.ApproximateNumberOfMessagesNotVisible ?? 0) === 0) return report;
  // An explicit destination: a message the relay parked with SendMessage names no source queue,
  // and a task without one would fail (CouldNotDetermineMessageSource).
  await target.sqs
    .send(new StartMessageMoveTaskCommand({ SourceArn: dlq.QueueArn, DestinationArn: source.QueueArn }))
    .catch((error: Error) => {
      if (error.name !== 'UnsupportedOperation') throw error;
      throw new RedriveError(`${dlqName} cannot be redriven now: ${error.message}`);
    });
  const deadline = Date.now() + (options.waitMs ?? 300_000);
  for (;;) {
    const { Results } = await target.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.QueueArn }));
    const task = Results?.[0];
    report.task = {
      status: task?.Status ?? 'UNKNOWN',
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task?.ApproximateNumberOfMessagesToMove ?? count,
      ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
    };
    options.onProgress?.(
      `${dlqName} → ${sourceName}: ${report.task.status}, ${report.task.moved}/${report.task.toMove} moved`,
    );
    if (task?.Status !== 'RUNNING' && task?.Status !== 'CANCELLING') return report;
    if (Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, count > 100 ? 2000 : 200));
  }
}

/**
 * Replays every stream-failures message: the records its batch metadata points to (read from the
 * stream again) or the record it carries, to the function it names. A message is deleted only
 * after its replay succeeded; a failed one is made visible again and stays.
 */
export async function replayStreamFailures(
  target: RedriveTarget,
  options: RedriveOptions = {},
): Promise<StreamFailureReplayReport> {
  const name = target.queueName(STREAM_FAILURES);
  const url = await queueUrl(target, name);
  const attributes = await queueAttributes(target, url);
  const report: StreamFailureReplayReport = {
    kind: 'stream-failures',
    queue: name,
    dryRun: !!options.dryRun,
    count: Number(attributes.ApproximateNumberOfMessages ?? 0),
    results: [],
  };
  const progress = (result: ReplayResult) => {
    options.onProgress?.(
      `${result.messageId}: ${result.outcome} ${result.records} record(s)${result.reason ? ` (${result.reason})` : ''}`,
    );
    report.results.push(result);
  };
  if (options.dryRun) {
    for (const message of await peek(target, url, 100)) progress(await replayOne(target, url, message, true));
    return report;
  }
  // Ten at a time; a failed message stays hidden until the end, so no page takes it twice.
  const failed: Message[] = [];
  for (;;) {
    const { Messages = [] } = await target.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, ...RECEIVE, VisibilityTimeout: REPLAY_VISIBILITY_SECONDS }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const result = await replayOne(target, url, message, false);
      if (result.outcome === 'failed') failed.push(message);
      progress(result);
    }
  }
  for (const message of failed) await release(target, url, message);
  return report;
}

async function replayOne(
  target: RedriveTarget,
  url: string,
  message: Message,
  dryRun: boolean,
): Promise<ReplayResult> {
  const base = { messageId: message.MessageId!, attributes: attributeStrings(message) };
  let failure: StreamFailureMessage;
  let records: unknown[];
  try {
    failure = parseStreamFailure(message.Body ?? '', base.attributes);
    records = await readStreamBatch(target, failure);
  } catch (error) {
    return { ...base, records: 0, outcome: 'failed', reason: (error as Error).message };
  }
  const result = { ...base, functionArn: failure.functionArn, records: records.length };
  if (dryRun) return { ...result, outcome: 'would-replay' };
  if (records.length > 0) {
    const outcome = await target
      .invoke(failure.functionArn, { Records: records })
      .catch((error: Error): InvokeOutcome => ({ ok: false, error: `${error.name}: ${error.message}` }));
    if (!outcome.ok || outcome.failedItems.length > 0) {
      const reason = outcome.ok
        ? `the function reported ${outcome.failedItems.length} record(s) failed`
        : outcome.error;
      return { ...result, outcome: 'failed', reason };
    }
  }
  await target.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
  return {
    ...result,
    outcome: 'replayed',
    ...(records.length === 0 ? { reason: 'no record of the batch passes the filter' } : {}),
  };
}

/** A failed replay stays on the queue, visible at once for the next attempt. */
async function release(target: RedriveTarget, url: string, message: Message): Promise<void> {
  await target.sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: message.ReceiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}

/** Long enough for one page of replays (ten invocations of at most a few minutes in all). */
const REPLAY_VISIBILITY_SECONDS = 900;

const RECEIVE: Pick<
  ReceiveMessageCommandInput,
  'MaxNumberOfMessages' | 'MessageAttributeNames' | 'MessageSystemAttributeNames'
> = {
  MaxNumberOfMessages: 10,
  MessageAttributeNames: ['All'],
  MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
};

/** Looks at up to `limit` messages: takes them for a moment, then makes them visible again at once. */
async function peek(target: RedriveTarget, url: string, limit: number): Promise<Message[]> {
  const seen: Message[] = [];
  while (seen.length < limit) {
    const { Messages = [] } = await target.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, ...RECEIVE, VisibilityTimeout: 30 }),
    );
    if (Messages.length === 0) break;
    seen.push(...Messages);
  }
  for (const message of seen) await release(target, url, message);
  return seen.slice(0, limit);
}

function attributeStrings(message: Message): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {})
      .filter(([, value]) => value.StringValue !== undefined)
      .map(([name, value]) => [name, value.StringValue!]),
  );
}

function viewOf(message: Message): DeadLetterView {
  let body: unknown = message.Body;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    // not JSON: shown as sent
  }
  const sent = Number(message.Attributes?.SentTimestamp);
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId!,
    ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(Number.isFinite(receives) ? { receiveCount: receives } : {}),
    attributes: attributeStrings(message),
    body,
  };
}

/** A stream consumer's return value: `{ batchItemFailures }` names the records it could not handle. */
export function streamConsumerOutcome(response: unknown): InvokeOutcome {
  const failures = (response as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
    ?.batchItemFailures;
  return { ok: true, failedItems: (failures ?? []).map((failure) => String(failure.itemIdentifier)) };
}
