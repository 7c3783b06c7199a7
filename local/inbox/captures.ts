import type { FlowMap } from '../assembly/flow-map';
import type { CaptureLog, InvokeResult } from '../contracts';
import type { InvocationRecord } from '../lambda/runner/function-runner';

/**
 * What the dev inbox shows, one type per list. The services that capture things (SNS, the push
 * endpoint, the Legacy API stand-in, SQS, the Sentry endpoint, the function runner) append
 * entries of these shapes; `at` is always an ISO-8601 timestamp.
 */

/** An SMS that SNS would have sent. */
export interface SmsCapture {
  id: string;
  at: string;
  /** E.164, e.g. `+821012345678`. */
  phoneNumber: string;
  message: string;
  /** `AWS.SNS.SMS.SMSType` when the publisher set it (`Transactional` / `Promotional`). */
  smsType?: string;
}

/** A push End User Messaging was asked to deliver to one device token, and what became of it. */
export interface PushCapture {
  id: string;
  at: string;
  applicationId: string;
  token: string;
  /** `APNS`, `APNS_SANDBOX`, `GCM`, … */
  channelType: string;
  title?: string;
  body?: string;
  badge?: number;
  /** The data payload; the deep link is `data.deepLink` (or `url` / `link`). */
  data?: Record<string, unknown>;
  /** The delivery status the endpoint answered: `SUCCESSFUL`, `PERMANENT_FAILURE`, … */
  status: string;
}

/** A request that reached the Legacy API stand-in. */
export interface LegacyCall {
  id: string;
  at: string;
  method: string;
  path: string;
  /** The status the stand-in answered (an injected fault's status included). */
  status: number;
  /** Whether the service token verified; false means the caller got a 401. */
  authorized: boolean;
  /** The service token's `sub`, when there was a readable one. */
  subject?: string;
  body?: unknown;
}

/** A record or message that gave up: a stream batch sent to its on-failure queue, or an SQS message moved to its DLQ. */
export interface DeadLetter {
  id: string;
  at: string;
  /** The queue or the stream mapping it failed from, e.g. `dev-push-queue` or `Message stream → message-push`. */
  source: string;
  reason: string;
  body: unknown;
  /** A dead letter's String attributes, e.g. the failure class, status and reason a consumer parked it with. */
  attributes?: Record<string, string>;
}

/** An error event a function sent to the Sentry-compatible endpoint. */
export interface CapturedError {
  id: string;
  at: string;
  functionName?: string;
  message: string;
  exceptionType?: string;
  environment?: string;
  release?: string;
  /** The whole event as received. */
  raw?: unknown;
}

export interface ScheduledFunction {
  name: string;
  /** The schedule expression as synthesized: `cron(0 9 * * ? *)`, `rate(5 minutes)`. */
  expression: string;
  /** IANA time zone of the expression, e.g. `Asia/Seoul`. */
  timezone: string;
  nextRunAt?: string;
}

export interface InboxFunctions {
  names(): string[];
  scheduled(): ScheduledFunction[];
  invoke(name: string, event: unknown): Promise<InvokeResult>;
}

export interface LegacyFaultControl {
  /** Receives a validated `{ status?, rate?, delayMs?, paths?, count? }` with at least `status` or `delayMs`. */
  setFaults(faults: LegacyFaults): void;
  clearFaults(): void;
  faults(): unknown;
  /** Creates or changes a broker, listing or complex of the stand-in (stamped now, for data-sync). */
  putReferenceItem?(kind: string, id: string, body: unknown): unknown;
}

/** The Legacy API faults one may inject: answer `status` to a share `rate` of calls, and/or answer `delayMs` late; `paths` and `count` narrow them. */
export interface LegacyFaults {
  status?: number;
  /** 0–1; the stand-in applies the fault to every call when absent. */
  rate?: number;
  delayMs?: number;
  /** Only calls whose path starts with this, or matches it as a regular expression. */
  paths?: string;
  /** Fault only the next N matching calls, then clear. */
  count?: number;
}

export interface InboxUser {
  username: string;
  phoneMasked: string;
  groups: string[];
  createdAt: string;
}

export interface InboxInfo {
  startedAt: string;
  endpoints: Record<string, string>;
  stage: string;
  version: string;
}

/** A message waiting on a local SQS queue, as `GET /api/queues/<name>` lists it (nothing is received). */
export interface QueueMessageView {
  messageId: string;
  body: string;
  state: 'visible' | 'in-flight' | 'delayed';
  receiveCount: number;
  sentAt: string;
}

/** The local SQS queues, for looking at what waits on a queue no function consumes yet. */
export interface InboxQueues {
  names(): string[];
  /** Throws for an unknown queue. */
  messages(name: string): QueueMessageView[];
}

/** A failure store (a DLQ, or stream-failures) and what waits on it, for the Dead letters tab. */
export interface FailureStoreView {
  /** The queue's name in this deployment, e.g. `sandbox-local-push-dlq`. */
  name: string;
  /** What `npm run redrive --` takes, e.g. `push-dlq` or `stream-failures`. */
  base: string;
  kind: 'dead-letter-queue' | 'stream-failures';
  /** The work queue a DLQ is redriven to. */
  destination?: string;
  messages: {
    messageId: string;
    state: string;
    sentAt: string;
    receiveCount: number;
    attributes: Record<string, string>;
    body: unknown;
  }[];
}

/** The failure stores, and the redrive of one (the same code as `npm run redrive`). */
export interface InboxFailureStores {
  list(): FailureStoreView[];
  /** Throws RedriveError for a name that is no failure store. */
  redrive(base: string, options: { dryRun: boolean }): Promise<unknown>;
}

/** Everything the inbox reads from and acts on; injected so that the inbox can be tested with fakes. */
export interface InboxSources {
  sms: CaptureLog<SmsCapture>;
  push: CaptureLog<PushCapture>;
  legacyCalls: CaptureLog<LegacyCall>;
  deadLetters: CaptureLog<DeadLetter>;
  errors: CaptureLog<CapturedError>;
  invocations: CaptureLog<InvocationRecord>;
  functions: InboxFunctions;
  legacy: LegacyFaultControl;
  users?: () => InboxUser[];
  queues?: InboxQueues;
  /** The event-flow map of the running backend (GET /api/flows, the Flows page). */
  flows?: () => FlowMap;
  failureStores?: InboxFailureStores;
  info: () => InboxInfo;
}
