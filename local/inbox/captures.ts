import type { CaptureLog } from '../contracts';

/**
 * What the local services capture and the dev inbox shows, one type per list: SNS appends SMS,
 * the push endpoint pushes, SQS and the stream pollers dead letters, the Sentry endpoint errors,
 * the Legacy API stand-in its calls. `at` is always an ISO-8601 timestamp.
 */

/** An SMS that SNS would have sent; the dev inbox reads sign-in codes from these. */
export interface SmsCapture {
  id: string;
  /** E.164, e.g. `+821012345678`. */
  phoneNumber: string;
  message: string;
  /** `AWS.SNS.SMS.SMSType` when the publisher set it (`Transactional` / `Promotional`). */
  smsType?: string;
  /** `AWS.SNS.SMS.SenderID` when the publisher set it. */
  senderId?: string;
  at: string;
}

/** A push that End User Messaging accepted for one device token. */
export interface PushCapture {
  id: string;
  applicationId: string;
  token: string;
  /** `APNS`, `APNS_SANDBOX`, `GCM`, … */
  channelType: string;
  title?: string;
  body?: string;
  badge?: number;
  /** The data payload; the deep link is `data.deepLink` (or `url` / `link`). */
  data?: Record<string, unknown>;
  /** The delivery status answered; only delivered pushes are captured, so `SUCCESSFUL`. */
  status: string;
  /** The request's MessageConfiguration, as sent. */
  raw: unknown;
  at: string;
}

/** A record or message that gave up: one SQS moved or a consumer parked (queue), or a stream batch that failed (stream). */
export type DeadLetterCapture = QueueDeadLetter | StreamDeadLetter;

interface DeadLetterFields {
  /** The message id, or `<function>:<first sequence number>` for a stream batch. */
  id: string;
  /** The queue or the stream mapping it failed from, e.g. `dev-push-queue` or `stream Message → message-push`. */
  source: string;
  reason: string;
  /** A dead letter's String attributes, e.g. the failure class, status and reason a consumer parked it with. */
  attributes?: Record<string, string>;
  at: string;
}

/** A message SQS moved to its dead-letter queue after too many receives, or one a consumer parked there itself. */
export interface QueueDeadLetter extends DeadLetterFields {
  /** The queue it failed from (same as source). */
  queueName: string;
  dlqName: string;
  messageId: string;
  body: string;
  receiveCount: number;
}

/** A stream batch a poller gave up on (its on-failure destination got the batch's description). */
export interface StreamDeadLetter extends DeadLetterFields {
  body: unknown;
}

/** An error event a function sent to the Sentry-compatible endpoint. */
export interface ErrorCapture {
  id: string;
  at: string;
  /** From the `aws.lambda` context `@sentry/aws-serverless` adds, or a `function` tag. */
  functionName?: string;
  message: string;
  exceptionType?: string;
  exceptionValue?: string;
  environment?: string;
  release?: string;
  tags?: Record<string, string>;
  /** The whole Sentry event. */
  raw: unknown;
}

/** One request as the Legacy API stand-in saw it. */
export interface LegacyCall {
  id: string;
  at: string;
  method: string;
  path: string;
  /** The query string without `?`, '' when there was none. */
  query: string;
  /** The status the stand-in answered (an injected fault's status included). */
  status: number;
  /** Whether the request passed its route's authentication (always true for `/health`); false means a 401. */
  authorized: boolean;
  /** Why the service token was refused, e.g. `ERR_JWT_EXPIRED`, `missing`. */
  authError?: string;
  /** The service token's `sub`: the function that called. */
  subject?: string;
  idempotencyKey?: string;
  /** The body as received: parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  /** Answered from the idempotency cache: the operation did not run again. */
  replayed?: boolean;
  /** Answered by an injected fault. */
  fault?: boolean;
  durationMs: number;
}

export interface ObservableCaptureLog<T> extends CaptureLog<T> {
  /** Calls `listener` with each entry added from now on; returns a function that stops it. */
  onAdd(listener: (entry: T) => void): () => void;
}

/** Keeps the newest `limit` entries, oldest first. */
export function createCaptureLog<T>(limit = 1000): ObservableCaptureLog<T> {
  let entries: T[] = [];
  const listeners = new Set<(entry: T) => void>();
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > limit) entries = entries.slice(entries.length - limit);
      for (const listener of listeners) listener(entry);
    },
    list: () => entries,
    clear() {
      entries = [];
    },
    onAdd(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface AwsCaptures {
  sms: ObservableCaptureLog<SmsCapture>;
  push: ObservableCaptureLog<PushCapture>;
  deadLetters: ObservableCaptureLog<DeadLetterCapture>;
  errors: ObservableCaptureLog<ErrorCapture>;
}

export function createAwsCaptures(limit?: number): AwsCaptures {
  return {
    sms: createCaptureLog(limit),
    push: createCaptureLog(limit),
    deadLetters: createCaptureLog(limit),
    errors: createCaptureLog(limit),
  };
}
