import { randomBytes, randomUUID } from 'node:crypto';
import { type CaptureLog, LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts';
import type { DeadLetterCapture } from '../inbox/captures';
import {
  invalidMessageContents,
  invalidParameterValue,
  messageNotInflight,
  queueDoesNotExist,
  queueNameExists,
  receiptHandleIsInvalid,
} from './errors';
import { md5Hex, md5OfMessageAttributes, type SqsMessageAttribute } from './md5';
import { MessageMoveTasks } from './message-move-tasks';

export interface QueueOptions {
  /** 30 s unless said otherwise, as in SQS. */
  visibilityTimeoutSeconds?: number;
  /** 4 days unless said otherwise. */
  messageRetentionSeconds?: number;
  delaySeconds?: number;
  receiveMessageWaitTimeSeconds?: number;
  /** After `maxReceiveCount` receives, the next receive moves the message to the dead-letter queue. */
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

export interface SendOptions {
  messageAttributes?: Record<string, SqsMessageAttribute>;
  delaySeconds?: number;
  /** `AWSTraceHeader`, the only system attribute SQS accepts. */
  traceHeader?: string;
  /** The `SenderId` attribute receivers see; the account id unless said otherwise. */
  senderId?: string;
}

export interface SentMessage {
  messageId: string;
  md5OfMessageBody: string;
  md5OfMessageAttributes?: string;
}

export interface ReceiveOptions {
  /** 1–10, default 1. */
  maxMessages?: number;
  /** Overrides the queue's visibility timeout for these messages. */
  visibilityTimeoutSeconds?: number;
  /** Long polling: waits up to this many seconds (≤ 20) for a first message. */
  waitTimeSeconds?: number;
  /** Stops waiting, e.g. when an HTTP caller hangs up or a poller stops. */
  signal?: AbortSignal;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  /** System attributes: ApproximateReceiveCount, SentTimestamp, ApproximateFirstReceiveTimestamp, SenderId, … */
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsMessageAttribute>;
}

/** A message as the dev inbox shows it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, SqsMessageAttribute>;
  state: 'visible' | 'in-flight' | 'delayed';
  receiveCount: number;
  sentAt: string;
  visibleAt: string;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, SqsMessageAttribute>;
  md5OfMessageAttributes?: string;
  systemAttributes: Record<string, string>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of the latest receive; older handles are refused. */
  receiptHandle?: string;
}

interface Queue {
  name: string;
  createdAt: number;
  options: Required<Omit<QueueOptions, 'redrive'>> & Pick<QueueOptions, 'redrive'>;
  messages: StoredMessage[];
  /** Long polls waiting for this queue to change. */
  waiters: Set<() => void>;
}

/** SQS's limit for one message, and for all of a SendMessageBatch's messages together. */
export const MAX_MESSAGE_BYTES = 262_144;
const MAX_WAIT_SECONDS = 20;
const VALID_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Standard SQS queues in memory: visibility timeouts, delays, long polling, receive counts,
 * redrive to a dead-letter queue, retention. The HTTP operations and the local Lambda pollers
 * both use this class; the pollers call `receive` / `delete` / `changeVisibility` in-process.
 */
export class SqsService {
  /** The gateway's URL; queue URLs are `<endpoint>/<account>/<name>`. Set when the gateway listens. */
  endpoint = 'http://127.0.0.1';
  private readonly queues = new Map<string, Queue>();
  private readonly deadLetters?: CaptureLog<DeadLetterCapture>;
  private closed = false;
  /** StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask: redrives out of a DLQ. */
  readonly moveTasks: MessageMoveTasks;

  constructor(options: { deadLetters?: CaptureLog<DeadLetterCapture> } = {}) {
    this.deadLetters = options.deadLetters;
    this.moveTasks = new MessageMoveTasks(this);
  }

  /** Creates the queue, or returns the existing one when the options agree (as CreateQueue does). */
  createQueue(name: string, options: QueueOptions = {}): { queueUrl: string; queueArn: string } {
    if (!/^[\w-]{1,80}$/.test(name)) throw invalidParameterValue(`invalid queue name ${name}`);
    const resolved = {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
      messageRetentionSeconds: options.messageRetentionSeconds ?? 345_600,
      delaySeconds: options.delaySeconds ?? 0,
      receiveMessageWaitTimeSeconds: options.receiveMessageWaitTimeSeconds ?? 0,
      redrive: options.redrive,
    };
    const existing = this.queues.get(name);
    if (existing) {
      if (JSON.stringify(existing.options) !== JSON.stringify(resolved)) throw queueNameExists(name);
    } else {
      this.queues.set(name, {
        name,
        createdAt: Date.now(),
        options: resolved,
        messages: [],
        waiters: new Set(),
      });
    }
    return { queueUrl: this.queueUrl(name), queueArn: this.queueArn(name) };
  }

  has(queueName: string): boolean {
    return this.queues.has(queueName);
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  queueUrl(queueName: string): string {
    return `${this.endpoint}/${LOCAL_ACCOUNT}/${queueName}`;
  }

  queueArn(queueName: string): string {
    return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queueName}`;
  }

  /** The queue a QueueUrl names, whatever host it was written with. */
  queueNameFromUrl(queueUrl: string): string {
    let name: string | undefined;
    try {
      name = new URL(queueUrl).pathname.split('/').filter(Boolean).at(-1);
    } catch {
      name = undefined;
    }
    if (!name || !this.queues.has(name)) throw queueDoesNotExist(queueUrl);
    return name;
  }

  /** The queue an SQS ARN names, or undefined when it is not one of ours. */
  queueNameFromArn(queueArn: string): string | undefined {
    const prefix = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:`;
    const name = queueArn.startsWith(prefix) ? queueArn.slice(prefix.length) : undefined;
    return name && this.queues.has(name) ? name : undefined;
  }

  /** The attributes GetQueueAttributes reports. */
  attributes(queueName: string): Record<string, string> {
    const queue = this.queue(queueName);
    const now = Date.now();
    this.dropExpired(queue, now);
    const count = (state: QueuedMessage['state']) =>
      queue.messages.filter((message) => stateOf(message, now) === state).length;
    const attributes: Record<string, string> = {
      QueueArn: this.queueArn(queue.name),
      ApproximateNumberOfMessages: String(count('visible')),
      ApproximateNumberOfMessagesNotVisible: String(count('in-flight')),
      ApproximateNumberOfMessagesDelayed: String(count('delayed')),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      VisibilityTimeout: String(queue.options.visibilityTimeoutSeconds),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      MessageRetentionPeriod: String(queue.options.messageRetentionSeconds),
      DelaySeconds: String(queue.options.delaySeconds),
      ReceiveMessageWaitTimeSeconds: String(queue.options.receiveMessageWaitTimeSeconds),
      SqsManagedSseEnabled: 'true',
    };
    if (queue.options.redrive) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: this.queueArn(queue.options.redrive.deadLetterQueueName),
        maxReceiveCount: queue.options.redrive.maxReceiveCount,
      });
    }
    return attributes;
  }

  send(queueName: string, body: string, options: SendOptions = {}): SentMessage {
    const queue = this.queue(queueName);
    const messageAttributes = options.messageAttributes ?? {};
    checkMessage(body, messageAttributes);
    const delaySeconds = options.delaySeconds ?? queue.options.delaySeconds;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw invalidParameterValue('DelaySeconds must be an integer from 0 to 900');
    }
    const now = Date.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      messageAttributes,
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
      systemAttributes: {
        SenderId: options.senderId ?? LOCAL_ACCOUNT,
        ...(options.traceHeader ? { AWSTraceHeader: options.traceHeader } : {}),
      },
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.enqueue(queue, message);
    this.recordParked(queue, message);
    return {
      messageId: message.messageId,
      md5OfMessageBody: message.md5OfBody,
      md5OfMessageAttributes: message.md5OfMessageAttributes,
    };
  }

  /**
   * Receives up to `maxMessages` visible messages and hides them for the visibility timeout.
   * With `waitTimeSeconds`, waits until at least one is visible or the time is up.
   */
  async receive(queueName: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const queue = this.queue(queueName);
    const maxMessages = options.maxMessages ?? 1;
    if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > 10) {
      throw invalidParameterValue('MaxNumberOfMessages must be an integer from 1 to 10');
    }
    const visibilitySeconds = options.visibilityTimeoutSeconds ?? queue.options.visibilityTimeoutSeconds;
    if (!Number.isInteger(visibilitySeconds) || visibilitySeconds < 0 || visibilitySeconds > 43_200) {
      throw invalidParameterValue('VisibilityTimeout must be an integer from 0 to 43200');
    }
    const waitSeconds = options.waitTimeSeconds ?? queue.options.receiveMessageWaitTimeSeconds;
    if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw invalidParameterValue('WaitTimeSeconds must be an integer from 0 to 20');
    }
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      // A caller who hung up must not hide messages it will never see.
      if (options.signal?.aborted) return [];
      const received = this.take(queue, maxMessages, visibilitySeconds);
      if (received.length > 0 || this.closed || Date.now() >= deadline) return received;
      await this.waitForChange(queue, deadline, options.signal);
    }
  }

  /** Deletes a received message. A handle from an earlier receive of a re-delivered message is refused. */
  delete(queueName: string, receiptHandle: string): void {
    const queue = this.queue(queueName);
    const index = this.messageIndex(queue, receiptHandle);
    // A message already deleted (or moved to its DLQ) deletes silently, as in SQS.
    if (index >= 0) queue.messages.splice(index, 1);
  }

  changeVisibility(queueName: string, receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const queue = this.queue(queueName);
    if (
      !Number.isInteger(visibilityTimeoutSeconds) ||
      visibilityTimeoutSeconds < 0 ||
      visibilityTimeoutSeconds > 43_200
    ) {
      throw invalidParameterValue('VisibilityTimeout must be an integer from 0 to 43200');
    }
    const message = queue.messages[this.messageIndex(queue, receiptHandle)];
    if (!message) throw receiptHandleIsInvalid(receiptHandle);
    const now = Date.now();
    if (message.visibleAt <= now) throw messageNotInflight();
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    this.notify(queue);
  }

  listMessages(queueName: string): QueuedMessage[] {
    const queue = this.queue(queueName);
    const now = Date.now();
    this.dropExpired(queue, now);
    return queue.messages.map((message) => ({
      messageId: message.messageId,
      body: message.body,
      messageAttributes: message.messageAttributes,
      state: stateOf(message, now),
      receiveCount: message.receiveCount,
      sentAt: new Date(message.sentAt).toISOString(),
      visibleAt: new Date(Math.max(message.visibleAt, message.sentAt)).toISOString(),
    }));
  }

  /** The queues whose redrive policy names this queue as their dead-letter queue. */
  deadLetterSourcesOf(queueName: string): string[] {
    this.queue(queueName);
    return [...this.queues.values()]
      .filter((queue) => queue.options.redrive?.deadLetterQueueName === queueName)
      .map((queue) => queue.name);
  }

  /** Ids of the messages stored on the queue now (visible, in flight or delayed). */
  messageIds(queueName: string): string[] {
    const queue = this.queue(queueName);
    this.dropExpired(queue, Date.now());
    return queue.messages.map((message) => message.messageId);
  }

  /**
   * Moves one message as a message move task does: gone when it was deleted meanwhile, waiting
   * while it is in flight, else a fresh copy (same id, body and attributes, receive count 0) on
   * the destination, or on the queue it was dead-lettered from when no destination is given.
   */
  moveMessage(
    sourceName: string,
    messageId: string,
    destinationName?: string,
  ): 'moved' | 'gone' | 'in-flight' | 'no-source' {
    const source = this.queue(sourceName);
    const now = Date.now();
    this.dropExpired(source, now);
    const message = source.messages.find((candidate) => candidate.messageId === messageId);
    if (!message) return 'gone';
    if (message.visibleAt > now) return 'in-flight';
    const { DeadLetterQueueSourceArn: origin, ...systemAttributes } = message.systemAttributes;
    const target = destinationName ?? (origin ? this.queueNameFromArn(origin) : undefined);
    if (!target) return 'no-source';
    source.messages.splice(source.messages.indexOf(message), 1);
    this.enqueue(this.queue(target), {
      ...message,
      systemAttributes,
      sentAt: now,
      visibleAt: now,
      receiveCount: 0,
      firstReceivedAt: undefined,
      receiptHandle: undefined,
    });
    return 'moved';
  }

  purge(queueName: string): void {
    this.queue(queueName).messages = [];
  }

  /** Ends every long poll (with no messages); later receives return at once. */
  close(): void {
    this.closed = true;
    this.moveTasks.stop();
    for (const queue of this.queues.values()) this.notify(queue);
  }

  private queue(queueName: string): Queue {
    const queue = this.queues.get(queueName);
    if (!queue) throw queueDoesNotExist(queueName);
    return queue;
  }

  private enqueue(queue: Queue, message: StoredMessage): void {
    queue.messages.push(message);
    this.notify(queue);
  }

  private notify(queue: Queue): void {
    for (const wake of [...queue.waiters]) wake();
  }

  /** Resolves when the queue changes, when its next hidden message turns visible, or at the deadline. */
  private waitForChange(queue: Queue, deadline: number, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const nextVisible = Math.min(
      deadline,
      ...queue.messages.map((message) => message.visibleAt).filter((visibleAt) => visibleAt > now),
    );
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        queue.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, nextVisible - now));
      queue.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  private take(queue: Queue, maxMessages: number, visibilitySeconds: number): ReceivedMessage[] {
    const now = Date.now();
    this.dropExpired(queue, now);
    const received: ReceivedMessage[] = [];
    for (const message of [...queue.messages]) {
      if (received.length >= maxMessages) break;
      if (message.visibleAt > now) continue;
      const redrive = queue.options.redrive;
      if (
        redrive &&
        message.receiveCount >= redrive.maxReceiveCount &&
        this.moveToDeadLetterQueue(queue, message)
      ) {
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = encodeReceiptHandle(queue.name, message.messageId);
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        md5OfBody: message.md5OfBody,
        md5OfMessageAttributes: message.md5OfMessageAttributes,
        attributes: {
          ...message.systemAttributes,
          SentTimestamp: String(message.sentAt),
          ApproximateReceiveCount: String(message.receiveCount),
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
        },
        messageAttributes: message.messageAttributes,
      });
    }
    return received;
  }

  /**
   * A consumer that parks a message sends it to its queue's DLQ itself, with a `failureClass`
   * attribute (amplify/functions/shared/batch.ts): the inbox lists it with the reason it gave.
   */
  /**
   * A consumer parking a message in a DLQ itself (SendMessage, not maxReceiveCount, shared/batch.ts):
   * listed as a dead letter with the reason its attributes give. A message without one is not a
   * parked record (e.g. a redrive test's own send) and is only in the queue.
   */
  private recordParked(dlq: Queue, message: StoredMessage): void {
    const attributes = stringAttributes(message.messageAttributes);
    const { failureClass, status, reason } = attributes;
    if (!failureClass && !reason) return;
    const source = this.deadLetterSourcesOf(dlq.name)[0];
    if (!source) return;
    this.deadLetters?.add({
      id: message.messageId,
      source,
      reason: failureClass
        ? `${failureClass}${status ? ` (${status})` : ''} by ${attributes.function ?? 'its consumer'}: ${reason ?? ''}`
        : reason!,
      queueName: source,
      dlqName: dlq.name,
      messageId: message.messageId,
      body: message.body,
      receiveCount: 0,
      attributes,
      at: new Date().toISOString(),
    });
  }

  private moveToDeadLetterQueue(queue: Queue, message: StoredMessage): boolean {
    const dlqName = queue.options.redrive!.deadLetterQueueName;
    const dlq = this.queues.get(dlqName);
    if (!dlq) {
      console.warn(`[sqs] ${queue.name}'s dead-letter queue ${dlqName} does not exist; delivering instead`);
      return false;
    }
    queue.messages.splice(queue.messages.indexOf(message), 1);
    this.enqueue(dlq, {
      ...message,
      systemAttributes: { ...message.systemAttributes, DeadLetterQueueSourceArn: this.queueArn(queue.name) },
      visibleAt: Date.now(),
      receiveCount: 0,
      firstReceivedAt: undefined,
      receiptHandle: undefined,
    });
    this.deadLetters?.add({
      id: message.messageId,
      source: queue.name,
      reason: `received ${message.receiveCount} times (maxReceiveCount ${queue.options.redrive!.maxReceiveCount}); moved to ${dlqName}`,
      queueName: queue.name,
      dlqName,
      messageId: message.messageId,
      body: message.body,
      receiveCount: message.receiveCount,
      attributes: stringAttributes(message.messageAttributes),
      at: new Date().toISOString(),
    });
    return true;
  }

  private dropExpired(queue: Queue, now: number): void {
    const oldest = now - queue.options.messageRetentionSeconds * 1000;
    if (queue.messages.some((message) => message.sentAt < oldest)) {
      queue.messages = queue.messages.filter((message) => message.sentAt >= oldest);
    }
  }

  /** The index of the message a receipt handle names, -1 when it is gone; throws for a stale or foreign handle. */
  private messageIndex(queue: Queue, receiptHandle: string): number {
    const decoded = decodeReceiptHandle(receiptHandle);
    if (!decoded || decoded.queueName !== queue.name) throw receiptHandleIsInvalid(receiptHandle);
    const index = queue.messages.findIndex((message) => message.messageId === decoded.messageId);
    const message = queue.messages[index];
    if (message && message.receiptHandle !== receiptHandle) throw receiptHandleIsInvalid(receiptHandle);
    return index;
  }
}

/** The String and Number attributes as plain strings (what the inbox shows). */
export function stringAttributes(attributes: Record<string, SqsMessageAttribute>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([, value]) => value.StringValue !== undefined)
      .map(([name, value]) => [name, value.StringValue!]),
  );
}

function stateOf(message: StoredMessage, now: number): QueuedMessage['state'] {
  if (message.visibleAt <= now) return 'visible';
  return message.receiveCount === 0 ? 'delayed' : 'in-flight';
}

function checkMessage(body: string, attributes: Record<string, SqsMessageAttribute>): void {
  if (body.length === 0) throw invalidParameterValue('The message body must not be empty');
  if (!VALID_BODY.test(body)) throw invalidMessageContents();
  const names = Object.keys(attributes);
  if (names.length > 10) throw invalidParameterValue('A message can have at most 10 message attributes');
  let size = Buffer.byteLength(body);
  for (const name of names) {
    const { DataType, StringValue, BinaryValue } = attributes[name]!;
    if (!/^(String|Number|Binary)(\..+)?$/.test(DataType ?? '')) {
      throw invalidParameterValue(`message attribute ${name} has an invalid DataType ${DataType}`);
    }
    if (DataType.startsWith('Binary') ? BinaryValue === undefined : StringValue === undefined) {
      throw invalidParameterValue(
        `message attribute ${name} must contain a non-empty value of type ${DataType}`,
      );
    }
    if (DataType.startsWith('Number') && !Number.isFinite(Number(StringValue))) {
      throw invalidParameterValue(`message attribute ${name} has an invalid Number value ${StringValue}`);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(DataType);
    size += BinaryValue ? BinaryValue.byteLength : Buffer.byteLength(StringValue ?? '');
  }
  if (size > MAX_MESSAGE_BYTES) {
    throw invalidParameterValue(`Message must be shorter than ${MAX_MESSAGE_BYTES} bytes`);
  }
}

/** Each receive gets a new handle naming its queue and message, so no lookup table is kept. */
function encodeReceiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(JSON.stringify([queueName, messageId, randomBytes(12).toString('hex')])).toString(
    'base64url',
  );
}

function decodeReceiptHandle(receiptHandle: string): { queueName: string; messageId: string } | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(receiptHandle, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && typeof decoded[0] === 'string' && typeof decoded[1] === 'string') {
      return { queueName: decoded[0], messageId: decoded[1] };
    }
  } catch {
    // not one of ours
  }
  return undefined;
}
