import type { AppSyncIdentity, AppSyncResolverEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceRow } from '../../../amplify/functions/device-register/device-registration';
import {
  deviceIdFor,
  MAX_DEVICES_PER_USER,
} from '../../../amplify/functions/device-register/device-registration';
import { deviceStore } from '../../../amplify/functions/device-register/device-store';
import { createHandler } from '../../../amplify/functions/device-register/handler';
import { profileStore } from '../../../amplify/functions/device-register/profile-store';
import { AppSyncUnavailableError, operationNameOf } from '../../../amplify/functions/shared/appsync-client';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { UserFacingError } from '../../../amplify/functions/shared/errors';
import { logger } from '../../../amplify/functions/shared/logger';
import {
  answerFailing,
  CONDITION_FAILED,
  selected,
  type TypedOptions,
  type TypedResult,
} from '../../support/typed-data';

const ALICE = 'alice-sub';
const BOB = 'bob-sub';
const TOKEN = `fcm-instance:APA91b${'Qx7_k-2Lm'.repeat(16)}`;
const APNS_TOKEN = 'ab'.repeat(32);
const NOW = new Date('2026-03-14T03:00:00.000Z');
const EARLIER = '2026-01-02T00:00:00.000Z';

type Call = { operation: string; variables: Record<string, unknown>; options?: TypedOptions };

/**
 * The typed data client over a Device table with the Amplify resolvers' semantics: create refuses
 * an existing id, update refuses a missing one and removes attributes set to null, delete checks its
 * condition; every mutation returns the row it wrote. `beforeOperation` lets a test race it.
 */
class FakeData {
  readonly rows = new Map<string, Record<string, unknown>>();
  readonly calls: Call[] = [];
  pageSize = 100;
  beforeOperation: ((operation: string) => void) | undefined;
  failures = new Map<string, TypedResult>();
  private clock = 0;

  put(row: Partial<DeviceRow> & { id: string }) {
    this.rows.set(row.id, { createdAt: EARLIER, updatedAt: EARLIER, ...row });
  }

  ofUser(userId: string) {
    return [...this.rows.values()].filter((row) => row.userId === userId);
  }

  operations() {
    return this.calls.map((call) => call.operation);
  }

  private stamp() {
    this.clock += 1;
    return new Date(NOW.getTime() + this.clock).toISOString();
  }

  /** Records the call; a failure set for the operation is what the client answers instead. */
  private called(
    operation: string,
    variables: Record<string, unknown>,
    options?: TypedOptions,
  ): TypedResult | undefined {
    this.calls.push({ operation, variables: structuredClone(variables), ...(options ? { options } : {}) });
    this.beforeOperation?.(operation);
    return this.failures.get(operation);
  }

  private getOwner(key: { id: string }, options?: TypedOptions): TypedResult {
    const row = this.rows.get(key.id);
    return (
      this.called('GetDeviceOwner', key, options) ?? {
        data: row ? selected(row, options?.selectionSet) : null,
      }
    );
  }

  private create(input: Record<string, unknown>, options?: TypedOptions): TypedResult {
    const failure = this.called('CreateDevice', { input }, options);
    if (failure) return failure;
    if (this.rows.has(String(input.id))) return CONDITION_FAILED;
    const at = this.stamp();
    const row = { ...input, createdAt: at, updatedAt: at };
    this.rows.set(String(input.id), row);
    return { data: { ...row } };
  }

  private update(input: Record<string, unknown>, options?: TypedOptions): TypedResult {
    const failure = this.called('UpdateDevice', { input }, options);
    if (failure) return failure;
    const existing = this.rows.get(String(input.id));
    if (!existing) return CONDITION_FAILED;
    const row: Record<string, unknown> = { ...existing, updatedAt: this.stamp() };
    for (const [field, value] of Object.entries(input)) {
      if (value === null) delete row[field];
      else row[field] = value;
    }
    this.rows.set(String(input.id), row);
    return { data: { ...row } };
  }

  private listByUser(key: { userId: string }, options: TypedOptions = {}): TypedResult {
    const failure = this.called('ListUserDevices', { ...key, nextToken: options.nextToken }, options);
    if (failure) return failure;
    const items = this.ofUser(key.userId).map((row) => selected(row, options.selectionSet));
    const start = options.nextToken ? Number(options.nextToken) : 0;
    const end = start + Math.min(this.pageSize, options.limit ?? this.pageSize);
    return { data: items.slice(start, end), nextToken: end < items.length ? String(end) : null };
  }

  /** client.graphql throws its result when it carries errors. */
  private document(query: string, variables: Record<string, unknown>): TypedResult {
    const operation = operationNameOf(query);
    const failure = this.called(operation, variables);
    if (failure) throw failure;
    if (operation !== 'DeleteDevice') throw new Error(`unexpected operation ${operation}`);
    const input = variables.input as { id: string };
    const row = this.rows.get(input.id);
    const owner = (variables.condition as { userId: { eq: string } }).userId.eq;
    if (!row || row.userId !== owner) throw CONDITION_FAILED;
    this.rows.delete(input.id);
    return { data: { deleteDevice: row } };
  }

  client(): DataClient {
    return {
      models: {
        Device: {
          get: async (key: { id: string }, options?: TypedOptions) => this.getOwner(key, options),
          create: async (input: Record<string, unknown>, options?: TypedOptions) =>
            this.create(input, options),
          update: async (input: Record<string, unknown>, options?: TypedOptions) =>
            this.update(input, options),
          listDevicesByUser: async (key: { userId: string }, options?: TypedOptions) =>
            this.listByUser(key, options),
        },
      },
      graphql: async ({ query, variables }: { query: string; variables: Record<string, unknown> }) =>
        this.document(query, variables),
    } as unknown as DataClient;
  }
}

let appSync: FakeData;
let now: Date;

function register(
  args: Record<string, unknown>,
  identity: AppSyncIdentity | null = { sub: ALICE } as never,
): Promise<DeviceRow> {
  const handler = createHandler({
    store: deviceStore(async () => appSync.client()),
    profiles: profileStore(async () => appSync.client()),
    now: () => now,
  });
  return handler({
    typeName: 'Mutation',
    fieldName: 'registerDevice',
    arguments: args,
    identity,
    source: null,
    request: { headers: {}, domainName: null },
    prev: null,
  } as unknown as AppSyncResolverEvent<Record<string, unknown>>) as Promise<DeviceRow>;
}

beforeEach(() => {
  appSync = new FakeData();
  now = NOW;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('registerDevice: a new token', () => {
  it("creates the caller's row named by the token's hash and returns every field", async () => {
    const device = await register({ platform: 'GCM', token: TOKEN, appVersion: '3.12.0', locale: 'ko_KR' });

    const id = deviceIdFor(TOKEN);
    expect(device).toEqual({
      id,
      userId: ALICE,
      platform: 'GCM',
      token: TOKEN,
      appVersion: '3.12.0',
      locale: 'ko-KR',
      lastSeenAt: NOW.toISOString(),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(appSync.rows.get(id)).toEqual(device);
    // No selection set: the typed client selects every field of the model, as subscribers need.
    expect(
      appSync.calls.find((call) => call.operation === 'CreateDevice')!.options?.selectionSet,
    ).toBeUndefined();
  });

  it('writes no null attributes into a new row', async () => {
    await register({ platform: 'APNS', token: APNS_TOKEN });
    const create = appSync.calls.find((call) => call.operation === 'CreateDevice')!;
    expect(create.variables.input).toEqual({
      id: deviceIdFor(APNS_TOKEN),
      userId: ALICE,
      platform: 'APNS',
      token: APNS_TOKEN,
      lastSeenAt: NOW.toISOString(),
    });
  });

  it('stores an APNs token in lower case, so the same token in upper case is the same row', async () => {
    await register({ platform: 'APNS', token: APNS_TOKEN.toUpperCase() });
    now = new Date(NOW.getTime() + 60_000);
    await register({ platform: 'APNS', token: APNS_TOKEN });
    expect(appSync.rows.size).toBe(1);
    expect(appSync.rows.get(deviceIdFor(APNS_TOKEN))).toMatchObject({
      token: APNS_TOKEN,
      lastSeenAt: now.toISOString(),
    });
  });
});

describe('registerDevice: a token registered before', () => {
  it('refreshes lastSeenAt, clears invalidatedAt and keeps createdAt', async () => {
    const id = deviceIdFor(TOKEN);
    appSync.put({
      id,
      userId: ALICE,
      platform: 'GCM',
      token: TOKEN,
      appVersion: '3.11.0',
      locale: 'ko-KR',
      lastSeenAt: EARLIER,
      invalidatedAt: '2026-03-01T00:00:00.000Z',
    });

    const device = await register({ platform: 'GCM', token: TOKEN, appVersion: '3.12.0' });

    expect(appSync.operations()).not.toContain('CreateDevice');
    expect(device).toMatchObject({ id, userId: ALICE, appVersion: '3.12.0', lastSeenAt: NOW.toISOString() });
    expect(device.createdAt).toBe(EARLIER);
    const row = appSync.rows.get(id)!;
    expect(row).not.toHaveProperty('invalidatedAt');
    // What the call left out is cleared, not kept from before.
    expect(row).not.toHaveProperty('locale');
    expect(
      appSync.calls.find((call) => call.operation === 'UpdateDevice')!.options?.selectionSet,
    ).toBeUndefined();
  });

  it('moves the token to the latest user: the previous owner no longer has it', async () => {
    await register({ platform: 'GCM', token: TOKEN }, { sub: ALICE } as never);
    expect(appSync.ofUser(ALICE)).toHaveLength(1);

    const device = await register({ platform: 'GCM', token: TOKEN }, { sub: BOB } as never);

    expect(device.userId).toBe(BOB);
    expect(appSync.rows.size).toBe(1);
    expect(appSync.ofUser(ALICE)).toEqual([]);
    expect(appSync.ofUser(BOB).map((row) => row.id)).toEqual([deviceIdFor(TOKEN)]);
  });

  it('logs the move with the device id, never the token', async () => {
    await register({ platform: 'GCM', token: TOKEN }, { sub: ALICE } as never);
    const info = vi.spyOn(logger, 'info');
    await register({ platform: 'GCM', token: TOKEN }, { sub: BOB } as never);

    expect(info).toHaveBeenCalledWith('Device registered', {
      deviceId: deviceIdFor(TOKEN),
      platform: 'GCM',
      change: 'moved',
    });
    expect(JSON.stringify(info.mock.calls)).not.toContain(TOKEN);
  });
});

describe('registerDevice: concurrent registrations of the same token', () => {
  it('updates when another call created the row after it looked', async () => {
    appSync.beforeOperation = (operation) => {
      if (operation === 'CreateDevice' && appSync.rows.size === 0) {
        appSync.put({
          id: deviceIdFor(TOKEN),
          userId: BOB,
          platform: 'GCM',
          token: TOKEN,
          lastSeenAt: EARLIER,
        });
      }
    };
    const device = await register({ platform: 'GCM', token: TOKEN });
    expect(appSync.operations().slice(0, 3)).toEqual(['GetDeviceOwner', 'CreateDevice', 'UpdateDevice']);
    expect(device).toMatchObject({ userId: ALICE, lastSeenAt: NOW.toISOString() });
  });

  it('creates when the row was removed after it looked', async () => {
    appSync.put({
      id: deviceIdFor(TOKEN),
      userId: ALICE,
      platform: 'GCM',
      token: TOKEN,
      lastSeenAt: EARLIER,
    });
    appSync.beforeOperation = (operation) => {
      if (operation === 'UpdateDevice') appSync.rows.clear();
    };
    const device = await register({ platform: 'GCM', token: TOKEN });
    expect(appSync.operations().slice(0, 3)).toEqual(['GetDeviceOwner', 'UpdateDevice', 'CreateDevice']);
    expect(appSync.rows.get(deviceIdFor(TOKEN))).toEqual(device);
  });

  it('fails (for the client to retry) when both writes lose', async () => {
    appSync.failures.set('CreateDevice', CONDITION_FAILED);
    appSync.failures.set('UpdateDevice', CONDITION_FAILED);
    await expect(register({ platform: 'GCM', token: TOKEN })).rejects.toThrow(/retry the registration/);
  });
});

describe('registerDevice: at most MAX_DEVICES_PER_USER devices per user', () => {
  const fill = (userId: string, count: number) => {
    for (let i = 0; i < count; i++) {
      appSync.put({
        id: userId === ALICE ? `old-${String(i).padStart(2, '0')}` : `${userId}-${i}`,
        userId,
        platform: 'GCM',
        token: `t${i}`,
        // old-00 is the least recently seen.
        lastSeenAt: new Date(NOW.getTime() - (count - i) * 86_400_000).toISOString(),
      });
    }
  };

  it('keeps every device up to the cap', async () => {
    fill(ALICE, MAX_DEVICES_PER_USER - 1);
    await register({ platform: 'GCM', token: TOKEN });
    expect(appSync.ofUser(ALICE)).toHaveLength(MAX_DEVICES_PER_USER);
    expect(appSync.operations()).not.toContain('DeleteDevice');
  });

  it('removes the least recently seen device past the cap, reading every page of the list', async () => {
    appSync.pageSize = 7;
    fill(ALICE, MAX_DEVICES_PER_USER);
    fill(BOB, 3);
    await register({ platform: 'GCM', token: TOKEN });

    const alice = appSync.ofUser(ALICE).map((row) => row.id);
    expect(alice).toHaveLength(MAX_DEVICES_PER_USER);
    expect(alice).not.toContain('old-00');
    expect(alice).toContain(deviceIdFor(TOKEN));
    expect(appSync.calls.filter((call) => call.operation === 'ListUserDevices')).toHaveLength(3);
    const deletes = appSync.calls.filter((call) => call.operation === 'DeleteDevice');
    expect(deletes.map((call) => call.variables)).toEqual([
      { input: { id: 'old-00' }, condition: { userId: { eq: ALICE } } },
    ]);
    // Another user's devices are never touched.
    expect(appSync.ofUser(BOB)).toHaveLength(3);
  });

  it('leaves a device that moved to another user meanwhile, and still answers', async () => {
    fill(ALICE, MAX_DEVICES_PER_USER);
    appSync.beforeOperation = (operation) => {
      if (operation === 'DeleteDevice') appSync.rows.get('old-00')!.userId = BOB;
    };
    const device = await register({ platform: 'GCM', token: TOKEN });
    expect(device.userId).toBe(ALICE);
    expect(appSync.rows.get('old-00')).toMatchObject({ userId: BOB });
  });
});

describe('registerDevice: refusals', () => {
  it.each([
    ['no identity', null],
    ['an IAM caller', { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:role/x' }],
    ['an empty sub', { sub: '' }],
  ])('refuses %s before touching anything', async (_case, identity) => {
    const error = await register({ platform: 'GCM', token: TOKEN }, identity as never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toMatch(/^UNAUTHORIZED: /);
    expect(appSync.calls).toEqual([]);
  });

  it.each([
    [{ platform: 'WNS', token: TOKEN }, /^UNSUPPORTED_PLATFORM: /],
    [{ platform: 'APNS', token: TOKEN }, /^INVALID_DEVICE_TOKEN: /],
    [{ platform: 'GCM', token: TOKEN, appVersion: 'latest' }, /^INVALID_APP_VERSION: /],
    [{ platform: 'GCM', token: TOKEN, locale: '한국어' }, /^INVALID_LOCALE: /],
    [{}, /^UNSUPPORTED_PLATFORM: /],
  ])('refuses %j before touching anything', async (args, message) => {
    const error = await register(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toMatch(message);
    expect(appSync.calls).toEqual([]);
  });

  it('passes an AppSync outage on to the client instead of answering without a row', async () => {
    appSync.failures.set(
      'UpdateDevice',
      answerFailing(new AppSyncUnavailableError('AppSync UpdateDevice answered HTTP 503', 503)),
    );
    appSync.put({
      id: deviceIdFor(TOKEN),
      userId: ALICE,
      platform: 'GCM',
      token: TOKEN,
      lastSeenAt: EARLIER,
    });
    await expect(register({ platform: 'GCM', token: TOKEN })).rejects.toBeInstanceOf(AppSyncUnavailableError);
    expect(appSync.rows.get(deviceIdFor(TOKEN))).toMatchObject({ lastSeenAt: EARLIER });
  });

  it('handles registerDevice only', async () => {
    const handler = createHandler({
      store: deviceStore(async () => appSync.client()),
      profiles: profileStore(async () => appSync.client()),
      now: () => now,
    });
    await expect(
      handler({ fieldName: 'deleteEverything', arguments: {}, identity: { sub: ALICE } } as never),
    ).rejects.toThrow('device-register does not handle deleteEverything');
  });
});
