import type { CaptureLog } from '../contracts';

/** An SMS that SNS would have sent; the dev inbox reads sign-in codes from these. */
export interface SmsCapture {
  id: string;
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
  channelType: string;
  title?: string;
  body?: string;
  badge?: number;
  data?: Record<string, unknown>;
  /** The delivery status answered; only delivered pushes are captured, so `SUCCESSFUL`. */
  status: string;
  /** The request's MessageConfiguration, as sent. */
  raw: unknown;
  at: string;
}

/** A message SQS moved to its dead-letter queue after too many receives, or one a consumer parked there itself. */
export interface DeadLetterCapture {
  /** The message id, as the inbox lists dead letters by id. */
  id: string;
  /** The queue it failed from (same as queueName), for the inbox's list of every kind of dead letter. */
  source: string;
  reason: string;
  queueName: string;
  dlqName: string;
  messageId: string;
  body: string;
  receiveCount: number;
  /** The message's String attributes: a parked message's failure class, status and reason. */
  attributes?: Record<string, string>;
  at: string;
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
