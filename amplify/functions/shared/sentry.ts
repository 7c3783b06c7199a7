import { createHash } from 'node:crypto';
import * as Sentry from '@sentry/aws-serverless';
import type { Handler } from 'aws-lambda';
import { config } from './config';
import { isUserFacingError } from './errors';
import { scrub, scrubText } from './scrub';

type SentryInitOptions = NonNullable<Parameters<typeof Sentry.init>[0]>;
type SentryEvent = Parameters<NonNullable<SentryInitOptions['beforeSend']>>[0];
type SentryBreadcrumb = Parameters<NonNullable<SentryInitOptions['beforeBreadcrumb']>>[0];

export interface SentryOptions {
  /** Defaults to SENTRY_DSN; absent or empty disables Sentry entirely. */
  dsn?: string;
  environment?: string;
  release?: string;
  /** Tests pass a transport built with `createTransport` to capture envelopes without a network. */
  transport?: SentryInitOptions['transport'];
}

function scrubAs<T>(value: T): T {
  return scrub(value) as T;
}

type SentryException = NonNullable<NonNullable<SentryEvent['exception']>['values']>[number];
type SentryStackFrame = NonNullable<NonNullable<SentryException['stacktrace']>['frames']>[number];

/** Source context lines and captured local variables can hold user data as much as messages can. */
function scrubStackFrame(frame: SentryStackFrame): SentryStackFrame {
  return {
    ...frame,
    context_line: frame.context_line === undefined ? undefined : scrubText(frame.context_line),
    pre_context: frame.pre_context?.map(scrubText),
    post_context: frame.post_context?.map(scrubText),
    vars: frame.vars && scrubAs(frame.vars),
  };
}

function scrubException(exception: SentryException): SentryException {
  return {
    ...exception,
    value: exception.value === undefined ? undefined : scrubText(exception.value),
    stacktrace: exception.stacktrace && {
      ...exception.stacktrace,
      frames: exception.stacktrace.frames?.map(scrubStackFrame),
    },
  };
}

/** Scrubs every part of an event that can carry user data. */
export function scrubSentryEvent(event: SentryEvent): SentryEvent {
  return {
    ...event,
    message: event.message === undefined ? undefined : scrubText(event.message),
    logentry: event.logentry && scrubAs(event.logentry),
    exception: event.exception && {
      ...event.exception,
      values: event.exception.values?.map(scrubException),
    },
    extra: event.extra && scrubAs(event.extra),
    contexts: event.contexts && scrubAs(event.contexts),
    tags: event.tags && scrubAs(event.tags),
    user: event.user && scrubAs(event.user),
    request: event.request && scrubAs(event.request),
    breadcrumbs: event.breadcrumbs?.map(scrubSentryBreadcrumb),
  };
}

export function scrubSentryBreadcrumb(breadcrumb: SentryBreadcrumb): SentryBreadcrumb {
  return {
    ...breadcrumb,
    message: breadcrumb.message === undefined ? undefined : scrubText(breadcrumb.message),
    data: breadcrumb.data && scrubAs(breadcrumb.data),
  };
}

let enabled: boolean | undefined;

/**
 * Initialises Sentry for this container. Returns whether it is enabled; without a DSN it
 * does nothing and sends nothing. `withSentry` calls it once if nobody did before.
 */
export function initSentry(options: SentryOptions = {}): boolean {
  const dsn = options.dsn ?? config.sentryDsn();
  if (!dsn) {
    enabled = false;
    return false;
  }
  Sentry.init({
    dsn,
    environment: options.environment ?? config.sentryEnvironment(),
    release: options.release ?? config.release(),
    sendDefaultPii: false,
    // Sentry would register import-in-the-middle's ESM loader hooks (a module loader thread per
    // process or worker) to instrument modules as they are imported from node_modules. A function
    // is one esbuild bundle with its modules inside: there is nothing to instrument. In Lambda
    // there is no node_modules beside the bundle to load the hook from; in the local sandbox the
    // project's was found, and every function environment started a loader thread for nothing.
    registerEsmLoaderHooks: false,
    ...(options.transport ? { transport: options.transport } : {}),
    // withSentry wraps the handler itself; the AwsLambda integration would try to redirect _HANDLER.
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'AwsLambda'),
    // A refused sign-up or a reached limit is an answer to the user, not a defect.
    beforeSend: (event, hint) => (isUserFacingError(hint.originalException) ? null : scrubSentryEvent(event)),
    beforeBreadcrumb: (breadcrumb) => scrubSentryBreadcrumb(breadcrumb),
  });
  enabled = true;
  return true;
}

/**
 * Wraps a handler so an error is reported (scrubbed), flushed before the invocation ends,
 * and rethrown so Lambda still sees the failure. Without a DSN the handler is returned as is.
 */
export function withSentry<TEvent, TResult>(handler: Handler<TEvent, TResult>): Handler<TEvent, TResult> {
  if (enabled === undefined) initSentry();
  if (!enabled) return handler;
  return Sentry.wrapHandler(handler, { flushTimeout: 2000 });
}

/** How a record failed for good: parked, dropped (kept with its reason), or out of retries. */
export type RecordFailureClass = 'park' | 'drop' | 'retried-out';

export interface RecordFailure {
  functionName: string;
  failureClass: RecordFailureClass;
  /** The record's identity: an SQS message id or a stream record's eventID. Never its payload. */
  recordId: string;
  /** More identity the consumer knows, e.g. the envelope's event id and type. */
  identity?: Record<string, string>;
  error: unknown;
}

/**
 * A stable Sentry event id per (function, record, class): a repeat of the same capture (a stream
 * record retried by its binding) carries the same id, and Sentry keeps an event id once.
 */
export function recordFailureEventId(
  failure: Pick<RecordFailure, 'functionName' | 'recordId' | 'failureClass'>,
) {
  return createHash('sha256')
    .update(`${failure.functionName}\n${failure.recordId}\n${failure.failureClass}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Reports a record a consumer parked, dropped or retried out (shared/batch.ts decides when, so
 * each record is reported once), grouped by function and failure class. Scrubbed like every event.
 */
export function captureRecordFailure(failure: RecordFailure): void {
  if (!enabled) return;
  Sentry.withScope((scope) => {
    scope.setTags({
      function: failure.functionName,
      failureClass: failure.failureClass,
      recordId: failure.recordId,
      ...failure.identity,
    });
    scope.setFingerprint(['record-failure', failure.functionName, failure.failureClass]);
    Sentry.captureException(failure.error, { event_id: recordFailureEventId(failure) });
  });
}
