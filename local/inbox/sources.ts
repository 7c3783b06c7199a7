import type { FlowMap } from '../assembly/flow-map';
import type { CaptureLog, InvokeResult } from '../contracts';
import type { InvocationRecord } from '../lambda/runner/function-runner';
import type { DeadLetterCapture, ErrorCapture, LegacyCall, PushCapture, SmsCapture } from './captures';

/** What the dev inbox reads from and acts on; the capture types themselves are in captures.ts. */

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
  /** The sandbox's Node process now: its RSS (function environments included), the main thread's heap. */
  memory?: { rssMB: number; heapUsedMB: number };
  /** Function environments (worker threads) alive now, per function. */
  environments?: Record<string, number>;
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
  deadLetters: CaptureLog<DeadLetterCapture>;
  errors: CaptureLog<ErrorCapture>;
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
