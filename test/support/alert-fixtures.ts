import type {
  AlertKind,
  AlertSubscriptionRow,
  NotificationInput,
} from '../../amplify/functions/shared/alerts/alert-plan';
import type { AlertRunState, AlertStateStore } from '../../amplify/functions/shared/alerts/alert-run';
import { AppSyncGraphQLError } from '../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../amplify/functions/shared/data-client';
import { answerFailing, type TypedOptions, type TypedResult } from './typed-data';

/** 2025-03-14 12:00 KST, the Legacy stand-in's clock in its tests. */
export const NOW = new Date('2025-03-14T03:00:00Z');

let sequence = 0;
export function subscription(
  overrides: Partial<AlertSubscriptionRow> & Pick<AlertSubscriptionRow, 'userId' | 'kind' | 'target'>,
): AlertSubscriptionRow {
  sequence += 1;
  return { id: `sub-${sequence}`, thresholdWon: null, label: null, ...overrides };
}

const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';

export function conditionalCheckFailed(operation: string): AppSyncGraphQLError {
  return new AppSyncGraphQLError(
    operation,
    [{ errorType: CONDITIONAL_CHECK_FAILED, message: 'The conditional request failed' }],
    null,
  );
}

/**
 * AppSync as the alert functions see it through the typed data client: AlertSubscription rows (the
 * kind-and-target index answers in target order, `pageSize` at a time, with `gt`/`ge` conditions)
 * and Notification rows, whose create refuses an existing id as the model resolver does. Every
 * call is logged with its variables (the key, or `{ input }`) and the options it was given.
 */
export class FakeAlertAppSync {
  readonly subscriptions: AlertSubscriptionRow[] = [];
  readonly notifications = new Map<string, NotificationInput & { updatedAt: string }>();
  readonly log: { operation: string; variables: Record<string, unknown>; options: TypedOptions }[] = [];
  pageSize = 1000;
  /** The next creates, in order: an error fails that create, undefined lets it through. */
  createFailures: (Error | undefined)[] = [];

  calls(operation: string) {
    return this.log.filter((call) => call.operation === operation);
  }

  notificationsFor(userId: string) {
    return [...this.notifications.values()].filter((row) => row.userId === userId);
  }

  /** The typed data client over these rows, as the alert stores take it. */
  readonly data = async (): Promise<DataClient> =>
    ({
      models: {
        AlertSubscription: {
          listAlertSubscriptionsByKindAndTarget: async (
            key: { kind: AlertKind; target?: { gt?: string; ge?: string } },
            options: TypedOptions = {},
          ) => this.answer('ListAlertSubscriptionsByKind', { ...key, nextToken: options.nextToken }, options),
        },
        Notification: {
          create: async (input: NotificationInput, options: TypedOptions = {}) =>
            this.answer('CreateNotification', { input }, options),
        },
      },
    }) as unknown as DataClient;

  private async answer(
    operation: string,
    variables: Record<string, unknown>,
    options: TypedOptions,
  ): Promise<TypedResult> {
    this.log.push({ operation, variables: structuredClone(variables), options });
    try {
      return operation === 'CreateNotification'
        ? { data: this.create(variables.input as NotificationInput) }
        : this.page(variables);
    } catch (error) {
      return answerFailing(error as Error);
    }
  }

  private page(variables: Record<string, unknown>): TypedResult {
    const condition = (variables.target ?? {}) as { gt?: string; ge?: string };
    const rows = this.subscriptions
      .filter((row) => row.kind === variables.kind)
      .filter((row) => condition.gt === undefined || row.target > condition.gt)
      .filter((row) => condition.ge === undefined || row.target >= condition.ge)
      .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
    const start = variables.nextToken ? Number(variables.nextToken) : 0;
    const end = start + this.pageSize;
    return { data: rows.slice(start, end), nextToken: end < rows.length ? String(end) : null };
  }

  private create(input: NotificationInput) {
    const failure = this.createFailures.shift();
    if (failure) throw failure;
    if (this.notifications.has(input.id)) throw conditionalCheckFailed('CreateNotification');
    const row = { ...input, updatedAt: NOW.toISOString() };
    this.notifications.set(input.id, row);
    return { ...row, readAt: null };
  }
}

/** The run-state table: versioned writes, as alertStateTable makes them. */
export class FakeStateStore implements AlertStateStore {
  readonly rows = new Map<AlertKind, { state: AlertRunState; version: number }>();
  readonly saves: { kind: AlertKind; state: AlertRunState }[] = [];
  /** Runs before each save: another run writing meanwhile, say. */
  beforeSave: (() => void) | undefined;

  async load(kind: AlertKind) {
    const row = this.rows.get(kind);
    return row ? { state: structuredClone(row.state), version: row.version } : { version: 0 };
  }

  async save(kind: AlertKind, state: AlertRunState, expected: number) {
    this.beforeSave?.();
    const current = this.rows.get(kind)?.version ?? 0;
    if (current !== expected) return undefined;
    this.rows.set(kind, { state: structuredClone(state), version: expected + 1 });
    this.saves.push({ kind, state: structuredClone(state) });
    return expected + 1;
  }
}
