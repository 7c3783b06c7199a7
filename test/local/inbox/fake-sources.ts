import type { CaptureLog, InvokeResult } from '../../../local/contracts';
import type { SmsCapture } from '../../../local/inbox/captures';
import type { InboxSources, InboxUser, ScheduledFunction } from '../../../local/inbox/sources';

/** An in-memory capture log, oldest first like the sandbox's own. */
export function fakeLog<T>(): CaptureLog<T> {
  let entries: T[] = [];
  return {
    add: (entry) => {
      entries.push(entry);
    },
    list: () => entries,
    clear: () => {
      entries = [];
    },
  };
}

export const SCHEDULED: ScheduledFunction[] = [
  {
    name: 'alert-lowest-price',
    expression: 'cron(0 9 * * ? *)',
    timezone: 'Asia/Seoul',
    nextRunAt: '2026-03-02T00:00:00.000Z',
  },
];

export interface FakeSources extends InboxSources {
  /** Every event each function was invoked with. */
  invokedWith: { name: string; event: unknown }[];
  /** What `legacy.setFaults` last received; `null` after a clear. */
  currentFaults: unknown;
}

/**
 * Sources that behave like the sandbox's: invoking a function records an InvocationRecord the
 * way the function runner does, and `auth-verify-challenge` fails.
 */
export function fakeSources(options: { users?: InboxUser[] } = {}): FakeSources {
  let nextInvocation = 1;
  const sources: FakeSources = {
    sms: fakeLog(),
    push: fakeLog(),
    legacyCalls: fakeLog(),
    deadLetters: fakeLog(),
    errors: fakeLog(),
    invocations: fakeLog(),
    invokedWith: [],
    currentFaults: null,
    functions: {
      names: () => ['message-push', 'alert-lowest-price', 'auth-verify-challenge'],
      scheduled: () => SCHEDULED,
      invoke: async (name, event): Promise<InvokeResult> => {
        sources.invokedWith.push({ name, event });
        const ok = name !== 'auth-verify-challenge';
        const result: InvokeResult = ok
          ? { ok, result: { handled: name }, durationMs: 12 }
          : { ok, error: { errorType: 'Error', errorMessage: 'boom' }, durationMs: 3 };
        sources.invocations.add({
          id: nextInvocation++,
          functionName: name,
          startedAt: new Date().toISOString(),
          durationMs: result.durationMs,
          coldStart: nextInvocation === 2,
          ok,
          ...(result.error
            ? { errorType: result.error.errorType, errorMessage: result.error.errorMessage }
            : {}),
        });
        return result;
      },
    },
    legacy: {
      setFaults: (faults) => {
        sources.currentFaults = faults;
      },
      clearFaults: () => {
        sources.currentFaults = null;
      },
      faults: () => sources.currentFaults,
    },
    info: () => ({
      startedAt: '2026-03-01T00:00:00.000Z',
      endpoints: { graphqlUrl: 'https://127.0.0.1:20002/graphql', legacyApiUrl: 'http://127.0.0.1:20005' },
      stage: 'sandbox',
      version: '0.1.0',
    }),
  };
  if (options.users) {
    const users = options.users;
    sources.users = () => users;
  }
  return sources;
}

let nextId = 1;

export function sms(phoneNumber: string, message: string, at: string): SmsCapture {
  return { id: `sms-${nextId++}`, at, phoneNumber, message, smsType: 'Transactional' };
}
