import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../amplify/functions/alert-subscription/handler';
import {
  type AlertSubscriptionItem,
  checkRemove,
  decideAdd,
  MAX_SUBSCRIPTIONS_PER_USER,
  planEdit,
  subscriptionIdFor,
  validateAdd,
  validateLabel,
  validateThreshold,
} from '../../../amplify/functions/alert-subscription/subscription-rules';
import { subscriptionStore } from '../../../amplify/functions/alert-subscription/subscription-store';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { NOW } from '../../support/alert-fixtures';
import { CONDITION_FAILED, selected, type TypedOptions, type TypedResult } from '../../support/typed-data';

const OWNER = 'owner-sub';
const OTHER = 'other-sub';

const codeOf = (decision: { ok: boolean; error?: UserFacingError }) =>
  decision.ok ? 'OK' : decision.error!.message.split(':')[0];

const add = (overrides: Partial<Parameters<typeof validateAdd>[0]> = {}) =>
  validateAdd({
    callerId: OWNER,
    kind: 'LOWEST_PRICE',
    target: 'CPX-1001',
    thresholdWon: 2_500_000_000,
    label: '은마 84',
    ...overrides,
  });

function row(overrides: Partial<AlertSubscriptionItem> = {}): AlertSubscriptionItem {
  return {
    id: subscriptionIdFor(OWNER, 'LOWEST_PRICE', 'CPX-1001'),
    userId: OWNER,
    kind: 'LOWEST_PRICE',
    target: 'CPX-1001',
    thresholdWon: 2_500_000_000,
    label: '은마 84',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

describe('validateAdd', () => {
  it('plans the row under an id derived from the owner, the kind and the target', () => {
    expect(add()).toEqual({
      ok: true,
      value: {
        id: subscriptionIdFor(OWNER, 'LOWEST_PRICE', 'CPX-1001'),
        userId: OWNER,
        kind: 'LOWEST_PRICE',
        target: 'CPX-1001',
        thresholdWon: 2_500_000_000,
        label: '은마 84',
      },
    });
    expect(subscriptionIdFor(OWNER, 'LOWEST_PRICE', 'CPX-1001')).not.toBe(
      subscriptionIdFor(OTHER, 'LOWEST_PRICE', 'CPX-1001'),
    );
    expect(subscriptionIdFor(OWNER, 'LOWEST_PRICE', 'CPX-1001')).not.toBe(
      subscriptionIdFor(OWNER, 'REAL_TRANSACTION', 'CPX-1001'),
    );
  });

  it('stores a region in its canonical form, so 1168000000 and 11680 are the same alert', () => {
    const long = add({ kind: 'PRESALE', target: '1168000000', thresholdWon: null, label: '  ' });
    const short = add({ kind: 'PRESALE', target: '11680', thresholdWon: undefined, label: undefined });
    expect(long).toEqual(short);
    expect(long).toMatchObject({ ok: true, value: { target: '11680' } });
    expect(long.ok && long.value).not.toHaveProperty('thresholdWon');
    expect(long.ok && long.value).not.toHaveProperty('label');
  });

  it.each([
    [{ kind: 'CHEAP_FLATS' }, 'UNSUPPORTED_ALERT_KIND'],
    [{ kind: undefined }, 'UNSUPPORTED_ALERT_KIND'],
    [{ target: 'CPX 1001' }, 'INVALID_ALERT_TARGET'],
    [{ target: 'CPX-1,CPX-2' }, 'INVALID_ALERT_TARGET'],
    [{ target: 42 }, 'INVALID_ALERT_TARGET'],
    [{ kind: 'PRESALE', target: 'CPX-1001', thresholdWon: null }, 'INVALID_ALERT_TARGET'],
    [{ kind: 'PRESALE', target: '11000', thresholdWon: null }, 'INVALID_ALERT_TARGET'],
    [{ kind: 'REAL_TRANSACTION', target: '11680', thresholdWon: null }, 'OK'],
    [{ thresholdWon: undefined }, 'THRESHOLD_REQUIRED'],
    [{ thresholdWon: 0 }, 'INVALID_THRESHOLD'],
    [{ thresholdWon: -5 }, 'INVALID_THRESHOLD'],
    [{ thresholdWon: 2.5e9 + 0.5 }, 'INVALID_THRESHOLD'],
    [{ thresholdWon: '25억' }, 'INVALID_THRESHOLD'],
    [{ thresholdWon: 1e13 }, 'INVALID_THRESHOLD'],
    [{ kind: 'REAL_TRANSACTION', thresholdWon: 2_500_000_000 }, 'THRESHOLD_NOT_ALLOWED'],
    [{ kind: 'PRESALE', target: '11680', thresholdWon: 1 }, 'THRESHOLD_NOT_ALLOWED'],
    [{ label: 'x'.repeat(51) }, 'LABEL_TOO_LONG'],
    [{ label: 'line\nbreak' }, 'INVALID_LABEL'],
    [{ label: 7 }, 'INVALID_LABEL'],
  ])('answers %j with %s', (overrides, code) => {
    expect(codeOf(add(overrides as never))).toBe(code);
  });

  it('refuses in Korean and English, naming the code first', () => {
    const refused = add({ kind: 'CHEAP_FLATS' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toBeInstanceOf(UserFacingError);
    expect(!refused.ok && refused.error.message).toBe(
      'UNSUPPORTED_ALERT_KIND: 지원하지 않는 알림 종류입니다: CHEAP_FLATS ' +
        '(Unsupported alert kind CHEAP_FLATS; use LOWEST_PRICE, PRESALE, REAL_TRANSACTION.)',
    );
  });
});

describe('validateLabel and validateThreshold', () => {
  it('counts a label in characters: 50 syllables or emoji pass, 51 do not', () => {
    expect(validateLabel('가'.repeat(50))).toEqual({ ok: true, value: '가'.repeat(50) });
    expect(validateLabel('🏠'.repeat(50)).ok).toBe(true);
    expect(codeOf(validateLabel('가'.repeat(51)))).toBe('LABEL_TOO_LONG');
    expect(validateLabel('  은마  ')).toEqual({ ok: true, value: '은마' });
  });

  it('takes the largest threshold allowed and no more', () => {
    expect(validateThreshold('LOWEST_PRICE', 1_000_000_000_000)).toEqual({
      ok: true,
      value: 1_000_000_000_000,
    });
    expect(validateThreshold('LOWEST_PRICE', 1)).toEqual({ ok: true, value: 1 });
    expect(codeOf(validateThreshold('LOWEST_PRICE', 1_000_000_000_001))).toBe('INVALID_THRESHOLD');
  });
});

describe('decideAdd', () => {
  const planned = () => (add() as { ok: true; value: AlertSubscriptionItem }).value;

  it('creates a new alert while the owner has fewer than the limit', () => {
    expect(decideAdd(planned(), undefined, MAX_SUBSCRIPTIONS_PER_USER - 1)).toEqual({
      ok: true,
      value: { action: 'create', subscription: planned() },
    });
  });

  it('refuses a new alert at the limit', () => {
    expect(codeOf(decideAdd(planned(), undefined, MAX_SUBSCRIPTIONS_PER_USER))).toBe(
      'TOO_MANY_ALERT_SUBSCRIPTIONS',
    );
  });

  it('answers a repeated add with the row it made, even at the limit', () => {
    expect(decideAdd(planned(), row(), MAX_SUBSCRIPTIONS_PER_USER)).toEqual({
      ok: true,
      value: { action: 'return-existing', subscription: row() },
    });
  });

  it('refuses the same alert with other settings: edit it instead', () => {
    expect(codeOf(decideAdd(planned(), row({ thresholdWon: 2_400_000_000 }), 1))).toBe(
      'ALERT_ALREADY_SUBSCRIBED',
    );
    expect(codeOf(decideAdd(planned(), row({ label: null }), 1))).toBe('ALERT_ALREADY_SUBSCRIBED');
  });
});

describe('planEdit and checkRemove', () => {
  it('changes what was given and keeps what was not', () => {
    expect(planEdit(row(), { callerId: OWNER, thresholdWon: 2_400_000_000, label: undefined })).toEqual({
      ok: true,
      value: { subscription: row(), change: { id: row().id, thresholdWon: 2_400_000_000 } },
    });
    expect(planEdit(row(), { callerId: OWNER, thresholdWon: undefined, label: null })).toEqual({
      ok: true,
      value: { subscription: row(), change: { id: row().id, label: null } },
    });
  });

  it('writes nothing when nothing changes', () => {
    expect(planEdit(row(), { callerId: OWNER, thresholdWon: 2_500_000_000, label: ' 은마 84 ' })).toEqual({
      ok: true,
      value: { subscription: row() },
    });
  });

  it('refuses clearing a LOWEST_PRICE threshold, or setting one on another kind', () => {
    expect(codeOf(planEdit(row(), { callerId: OWNER, thresholdWon: null, label: undefined }))).toBe(
      'THRESHOLD_REQUIRED',
    );
    const presale = row({ kind: 'PRESALE', target: '11680', thresholdWon: null });
    expect(codeOf(planEdit(presale, { callerId: OWNER, thresholdWon: 5, label: undefined }))).toBe(
      'THRESHOLD_NOT_ALLOWED',
    );
    expect(planEdit(presale, { callerId: OWNER, thresholdWon: null, label: '서초' })).toMatchObject({
      ok: true,
      value: { change: { id: presale.id, label: '서초' } },
    });
  });

  it('answers someone else’s or a missing subscription as not found', () => {
    expect(codeOf(planEdit(row(), { callerId: OTHER, thresholdWon: 1, label: undefined }))).toBe(
      'ALERT_SUBSCRIPTION_NOT_FOUND',
    );
    expect(codeOf(planEdit(undefined, { callerId: OWNER, thresholdWon: 1, label: undefined }))).toBe(
      'ALERT_SUBSCRIPTION_NOT_FOUND',
    );
    expect(codeOf(checkRemove(row(), OTHER))).toBe('ALERT_SUBSCRIPTION_NOT_FOUND');
    expect(codeOf(checkRemove(undefined, OWNER))).toBe('ALERT_SUBSCRIPTION_NOT_FOUND');
    expect(checkRemove(row(), OWNER)).toEqual({ ok: true, value: row() });
  });
});

/** The typed client over AlertSubscription rows, with the model resolvers' existence conditions. */
class FakeSubscriptionData {
  readonly rows = new Map<string, AlertSubscriptionItem>();
  readonly log: { operation: string; variables: Record<string, unknown>; options?: TypedOptions }[] = [];
  /** Runs before a create is applied: a concurrent add, say. */
  beforeCreate: (() => void) | undefined;
  /** Runs before an update is applied: a concurrent removal, say. */
  beforeUpdate: (() => void) | undefined;
  private clock = 0;

  operations() {
    return this.log.map((call) => call.operation);
  }

  private tick() {
    this.clock += 1;
    return new Date(NOW.getTime() + this.clock * 1000).toISOString();
  }

  private record(operation: string, variables: Record<string, unknown>, options?: TypedOptions) {
    this.log.push({ operation, variables: structuredClone(variables), ...(options ? { options } : {}) });
  }

  client(): DataClient {
    const model = {
      get: async ({ id }: { id: string }, options?: TypedOptions): Promise<TypedResult> => {
        this.record('GetAlertSubscription', { id }, options);
        return { data: this.rows.get(id) ?? null };
      },
      listAlertSubscriptionsByUser: async (
        { userId }: { userId: string },
        options?: TypedOptions,
      ): Promise<TypedResult> => {
        this.record('ListOwnAlertSubscriptionIds', { userId }, options);
        const owned = [...this.rows.values()].filter((r) => r.userId === userId);
        return { data: owned.map((r) => selected(r, options?.selectionSet)), nextToken: null };
      },
      create: async (input: AlertSubscriptionItem, options?: TypedOptions): Promise<TypedResult> => {
        this.record('CreateAlertSubscription', { input }, options);
        this.beforeCreate?.();
        if (this.rows.has(input.id)) return CONDITION_FAILED;
        const at = this.tick();
        const created = { thresholdWon: null, label: null, ...input, createdAt: at, updatedAt: at };
        this.rows.set(input.id, created as AlertSubscriptionItem);
        return { data: created };
      },
      update: async (
        input: Partial<AlertSubscriptionItem> & { id: string },
        options?: TypedOptions,
      ): Promise<TypedResult> => {
        this.record('UpdateAlertSubscription', { input }, options);
        this.beforeUpdate?.();
        const existing = this.rows.get(input.id);
        if (!existing) return CONDITION_FAILED;
        const updated = { ...existing, ...input, updatedAt: this.tick() };
        this.rows.set(input.id, updated);
        return { data: updated };
      },
      delete: async (input: { id: string }, options?: TypedOptions): Promise<TypedResult> => {
        this.record('DeleteAlertSubscription', { input }, options);
        const existing = this.rows.get(input.id);
        if (!existing) return CONDITION_FAILED;
        this.rows.delete(input.id);
        return { data: existing };
      },
    };
    return { models: { AlertSubscription: model } } as unknown as DataClient;
  }
}

describe('the alert-subscription resolver', () => {
  const setup = () => {
    const appsync = new FakeSubscriptionData();
    const handler = createHandler({ store: subscriptionStore(async () => appsync.client()) });
    const call = (fieldName: string, args: Record<string, unknown>, sub: string | null = OWNER) =>
      handler({
        typeName: 'Mutation',
        fieldName,
        arguments: args,
        identity: sub ? ({ sub, claims: {} } as never) : null,
        source: null,
        request: { headers: {}, domainName: null },
        prev: null,
      } as never);
    return { appsync, call };
  };
  const lowestPrice = {
    kind: 'LOWEST_PRICE',
    target: 'CPX-1001',
    thresholdWon: 2_500_000_000,
    label: '은마',
  };

  it('adds an alert through AppSync, selecting every field for the owner’s other devices', async () => {
    const { appsync, call } = setup();

    const created = await call('addAlertSubscription', lowestPrice);

    expect(created).toMatchObject({
      userId: OWNER,
      kind: 'LOWEST_PRICE',
      target: 'CPX-1001',
      thresholdWon: 2.5e9,
    });
    expect(appsync.operations()).toEqual([
      'GetAlertSubscription',
      'ListOwnAlertSubscriptionIds',
      'CreateAlertSubscription',
    ]);
    // No selection set: the typed client selects every field of the model, as subscribers need.
    const mutation = appsync.log.find((entry) => entry.operation === 'CreateAlertSubscription')!;
    expect(mutation.options?.selectionSet).toBeUndefined();
  });

  it('answers a retried add with the same row and writes nothing', async () => {
    const { appsync, call } = setup();
    const first = await call('addAlertSubscription', lowestPrice);

    expect(await call('addAlertSubscription', lowestPrice)).toEqual(first);
    expect(appsync.operations().filter((operation) => operation === 'CreateAlertSubscription')).toHaveLength(
      1,
    );
  });

  it('returns the row a concurrent identical add created first', async () => {
    const { appsync, call } = setup();
    appsync.beforeCreate = () => {
      appsync.beforeCreate = undefined;
      const at = NOW.toISOString();
      const planned = (add({ label: '은마' }) as { ok: true; value: AlertSubscriptionItem }).value;
      appsync.rows.set(planned.id, { ...planned, createdAt: at, updatedAt: at });
    };

    expect(await call('addAlertSubscription', lowestPrice)).toMatchObject({ createdAt: NOW.toISOString() });
    expect(appsync.rows.size).toBe(1);
  });

  it('refuses the 31st alert', async () => {
    const { appsync, call } = setup();
    for (let n = 0; n < MAX_SUBSCRIPTIONS_PER_USER; n += 1) {
      await call('addAlertSubscription', { kind: 'REAL_TRANSACTION', target: `CPX-${2000 + n}` });
    }

    await expect(call('addAlertSubscription', lowestPrice)).rejects.toThrow(
      /^TOO_MANY_ALERT_SUBSCRIPTIONS: /,
    );
    expect(appsync.rows.size).toBe(MAX_SUBSCRIPTIONS_PER_USER);
    // Another user's limit is their own.
    await expect(call('addAlertSubscription', lowestPrice, OTHER)).resolves.toMatchObject({ userId: OTHER });
  });

  it('refuses bad input before reading anything', async () => {
    const { appsync, call } = setup();

    await expect(call('addAlertSubscription', { ...lowestPrice, thresholdWon: -1 })).rejects.toBeInstanceOf(
      UserFacingError,
    );
    await expect(call('addAlertSubscription', { ...lowestPrice, kind: 'PRESALE' })).rejects.toThrow(
      /^INVALID_ALERT_TARGET: /,
    );
    expect(appsync.log).toEqual([]);
  });

  it('edits the owner’s alert, and answers anyone else as if it did not exist', async () => {
    const { appsync, call } = setup();
    const created = (await call('addAlertSubscription', lowestPrice)) as AlertSubscriptionItem;

    await expect(call('editAlertSubscription', { id: created.id, thresholdWon: 1 }, OTHER)).rejects.toThrow(
      /^ALERT_SUBSCRIPTION_NOT_FOUND: /,
    );
    const edited = await call('editAlertSubscription', { id: created.id, thresholdWon: 2_300_000_000 });

    expect(edited).toMatchObject({ thresholdWon: 2_300_000_000, label: '은마' });
    const update = appsync.log.find((entry) => entry.operation === 'UpdateAlertSubscription')!;
    expect(update.variables).toEqual({ input: { id: created.id, thresholdWon: 2_300_000_000 } });
  });

  it('answers an edit that changes nothing with the row, without a write', async () => {
    const { appsync, call } = setup();
    const created = (await call('addAlertSubscription', lowestPrice)) as AlertSubscriptionItem;

    expect(await call('editAlertSubscription', { id: created.id, label: '은마' })).toEqual(created);
    expect(appsync.operations()).not.toContain('UpdateAlertSubscription');
  });

  it('removes the owner’s alert once; a second remove or someone else’s is not found', async () => {
    const { appsync, call } = setup();
    const created = (await call('addAlertSubscription', lowestPrice)) as AlertSubscriptionItem;

    await expect(call('removeAlertSubscription', { id: created.id }, OTHER)).rejects.toThrow(
      /^ALERT_SUBSCRIPTION_NOT_FOUND: /,
    );
    expect(await call('removeAlertSubscription', { id: created.id })).toMatchObject({ id: created.id });
    expect(appsync.rows.size).toBe(0);
    await expect(call('removeAlertSubscription', { id: created.id })).rejects.toThrow(
      /^ALERT_SUBSCRIPTION_NOT_FOUND: /,
    );
  });

  it('answers an alert removed between the read and the write as not found', async () => {
    const { appsync, call } = setup();
    const created = (await call('addAlertSubscription', lowestPrice)) as AlertSubscriptionItem;
    appsync.beforeUpdate = () => appsync.rows.delete(created.id);

    await expect(call('editAlertSubscription', { id: created.id, thresholdWon: 1 })).rejects.toThrow(
      /^ALERT_SUBSCRIPTION_NOT_FOUND: /,
    );
  });

  it('refuses callers without a Cognito identity, and fields it does not serve', async () => {
    const { call } = setup();

    await expect(call('addAlertSubscription', lowestPrice, null)).rejects.toThrow(/^UNAUTHORIZED: /);
    await expect(call('listEverything', {})).rejects.toThrow(
      'alert-subscription does not handle listEverything',
    );
  });
});
