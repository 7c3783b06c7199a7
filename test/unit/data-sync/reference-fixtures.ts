import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import type { DataSyncDeps } from '../../../amplify/functions/data-sync/data-sync';
import type { FeedName } from '../../../amplify/functions/data-sync/reference-feeds';
import { feedStateTable, referenceTables } from '../../../amplify/functions/data-sync/reference-store';
import type { LegacyClient, LegacyRequest } from '../../../amplify/functions/shared/legacy-client';
import { lambdaContext } from '../../support/lambda-context';

export const NOW = new Date('2026-03-14T03:00:00.000Z');
export const IDEMPOTENCY_TABLE = 'sandbox-idempotency';
export const TABLES: Record<FeedName, string> = {
  complexes: 'Complex-abc123-NONE',
  listings: 'Listing-abc123-NONE',
  brokers: 'BrokerProfile-abc123-NONE',
};

export const ddb = mockClient(DynamoDBDocumentClient);

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/**
 * DynamoDB as data-sync uses it: the three model tables (UpdateItem with the expression forms
 * data-sync writes: `SET #a = :a`, `#a = if_not_exists(#a, :a)`, `REMOVE #a`, and its version
 * condition), BatchWriteItem deletes, and the idempotency table's versioned state items.
 */
export class FakeReferenceDynamo {
  readonly tables: Record<string, Map<string, Record<string, unknown>>> = Object.fromEntries(
    Object.values(TABLES).map((table) => [table, new Map<string, Record<string, unknown>>()]),
  );
  readonly idempotency = new Map<string, Record<string, unknown>>();
  readonly updates: UpdateCommandInput[] = [];
  readonly batchWrites: BatchWriteCommandInput[] = [];
  /** Throws this on the next UpdateItem of that id. */
  failUpdateOf: string | undefined;

  install() {
    ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => this.update(input));
    ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => this.batchWrite(input));
    ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
      expect(input.TableName).toBe(IDEMPOTENCY_TABLE);
      const item = this.idempotency.get(String(input.Key?.id));
      return item ? { Item: structuredClone(item) } : {};
    });
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => this.putState(input));
  }

  rows(feed: FeedName) {
    return this.tables[TABLES[feed]]!;
  }

  row(feed: FeedName, id: string) {
    return this.rows(feed).get(id);
  }

  state(feed: FeedName) {
    return this.idempotency.get(`data-sync:${feed}`);
  }

  private update(input: UpdateCommandInput) {
    const table = this.tables[String(input.TableName)];
    expect(table, `unknown table ${input.TableName}`).toBeDefined();
    this.updates.push(structuredClone(input));
    const id = String(input.Key?.id);
    if (id === this.failUpdateOf) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    const existing = table!.get(id);
    const condition = /^attribute_not_exists\((#\w+)\) OR (#\w+) (<=|<) (:\w+)$/.exec(
      input.ConditionExpression ?? '',
    );
    expect(condition, `unexpected condition ${input.ConditionExpression}`).not.toBeNull();
    const [, absent, compared, operator, value] = condition!;
    expect(names[absent!]).toBe(names[compared!]);
    const stored = existing?.[names[compared!]!];
    const wanted = String(values[value!]);
    const holds =
      stored === undefined || (operator === '<' ? String(stored) < wanted : String(stored) <= wanted);
    if (!holds) throw conditionFailed();

    const row: Record<string, unknown> = { ...(existing ?? {}), id };
    const [setPart, removePart] = String(input.UpdateExpression).split(' REMOVE ');
    expect(setPart!.startsWith('SET ')).toBe(true);
    const assignments = setPart!.slice(4);
    const assignment = /(#\w+) = (?:if_not_exists\((#\w+), (:\w+)\)|(:\w+))(?:, |$)/gy;
    let matched = 0;
    for (const match of assignments.matchAll(assignment)) {
      const [whole, target, guarded, fallback, plain] = match;
      matched += whole.length;
      const field = names[target!]!;
      if (guarded) {
        expect(guarded).toBe(target);
        if (row[field] === undefined) row[field] = structuredClone(values[fallback!]);
      } else {
        row[field] = structuredClone(values[plain!]);
      }
    }
    expect(matched, `unparsed SET clause in ${input.UpdateExpression}`).toBe(assignments.length);
    for (const token of removePart ? removePart.split(', ') : []) delete row[names[token]!];
    table!.set(id, row);
    return {};
  }

  private batchWrite(input: BatchWriteCommandInput) {
    this.batchWrites.push(structuredClone(input));
    for (const [tableName, requests] of Object.entries(input.RequestItems ?? {})) {
      const table = this.tables[tableName];
      expect(table, `unknown table ${tableName}`).toBeDefined();
      expect(requests.length).toBeLessThanOrEqual(25);
      for (const request of requests) {
        expect(request.PutRequest).toBeUndefined();
        table!.delete(String(request.DeleteRequest?.Key?.id));
      }
    }
    return { UnprocessedItems: {} };
  }

  private putState(input: PutCommandInput) {
    expect(input.TableName).toBe(IDEMPOTENCY_TABLE);
    const id = String(input.Item?.id);
    const stored = this.idempotency.get(id)?.version;
    const holds =
      input.ConditionExpression === 'attribute_not_exists(#version)'
        ? stored === undefined
        : input.ConditionExpression === '#version = :expected' &&
          stored === input.ExpressionAttributeValues?.[':expected'];
    if (!holds) throw conditionFailed();
    this.idempotency.set(id, structuredClone(input.Item!));
    return {};
  }
}

type FeedItem = Record<string, unknown> & { id: string; updatedAt: string };

/**
 * The Legacy API's reference feeds as data-sync reads them: keyset paging over (updatedAt, id),
 * `updatedSince` inclusive, an opaque cursor, failures injected per feed and page.
 */
export class FakeLegacyFeeds implements LegacyClient {
  readonly items: Record<FeedName, FeedItem[]> = { complexes: [], listings: [], brokers: [] };
  readonly requests: { feed: FeedName; updatedSince?: string; cursor?: string; limit: number }[] = [];
  /** Throws `error` for the feed's n-th request (1-based) from now on, counting only that feed's. */
  private readonly failures: { feed: FeedName; at: number; error: Error }[] = [];
  /** Answers this body instead for the feed. */
  readonly bodies: Partial<Record<FeedName, unknown>> = {};

  failOn(feed: FeedName, at: number, error: Error) {
    this.failures.push({ feed, at, error });
  }

  async request<T>(request: LegacyRequest): Promise<T> {
    expect(request.method).toBe('GET');
    const url = new URL(request.path, 'https://legacy.test');
    const feed = url.pathname.replace('/v1/', '') as FeedName;
    expect(Object.keys(this.items)).toContain(feed);
    const updatedSince = url.searchParams.get('updatedSince') ?? undefined;
    const cursor = url.searchParams.get('cursor') ?? undefined;
    const limit = Number(url.searchParams.get('limit'));
    this.requests.push({
      feed,
      ...(updatedSince ? { updatedSince } : {}),
      ...(cursor ? { cursor } : {}),
      limit,
    });
    const count = this.requests.filter((logged) => logged.feed === feed).length;
    const failure = this.failures.find((entry) => entry.feed === feed && entry.at === count);
    if (failure) throw failure.error;
    if (feed in this.bodies) return this.bodies[feed] as T;

    const key = (item: FeedItem) => `${item.updatedAt}|${item.id}`;
    const after = cursor ? Buffer.from(cursor, 'base64url').toString() : undefined;
    const matching = this.items[feed]
      .filter((item) => updatedSince === undefined || item.updatedAt >= updatedSince)
      .filter((item) => after === undefined || key(item) > after)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const page = matching.slice(0, limit);
    const nextCursor =
      matching.length > limit ? Buffer.from(key(page[page.length - 1]!)).toString('base64url') : null;
    return { items: structuredClone(page), nextCursor } as T;
  }
}

/** A context whose remaining time is read from `remaining`, one value per check (then the last). */
export function contextWith(...remaining: number[]): Context {
  return {
    ...lambdaContext(300_000, 'data-sync'),
    getRemainingTimeInMillis: () => (remaining.length > 1 ? remaining.shift()! : remaining[0]!),
  };
}

export function depsWith(legacy: LegacyClient, overrides: Partial<DataSyncDeps> = {}): DataSyncDeps {
  return {
    legacy: () => legacy,
    tables: referenceTables(),
    state: feedStateTable(() => IDEMPOTENCY_TABLE),
    tableName: (feed) => TABLES[feed],
    now: () => NOW,
    pageSize: 2,
    ...overrides,
  };
}

export const at = (minutes: number) =>
  new Date(Date.parse('2026-03-14T00:00:00.000Z') + minutes * 60_000).toISOString();

export function broker(id: string, updatedAt: string, fields: Record<string, unknown> = {}): FeedItem {
  return {
    id,
    name: `중개사 ${id}`,
    officeName: `${id} 공인중개사사무소`,
    regionCodes: ['1168010600'],
    active: true,
    updatedAt,
    ...fields,
  };
}

export function listing(id: string, updatedAt: string, fields: Record<string, unknown> = {}): FeedItem {
  return {
    id,
    complexId: 'CPX-1001',
    complexName: '은마',
    regionCode: '1168010600',
    address: '서울특별시 강남구 대치동 316 은마',
    priceWon: 2_190_000_000,
    exclusiveAreaM2: 76.79,
    floor: 2,
    status: 'ACTIVE',
    thumbnailUrl: `https://static.bootalk.test/listings/${id}.jpg`,
    updatedAt,
    ...fields,
  };
}

export function complex(id: string, updatedAt: string, fields: Record<string, unknown> = {}): FeedItem {
  return {
    id,
    name: '은마',
    regionCode: '1168010600',
    dong: '대치동',
    jibun: '316',
    builtYear: 1979,
    households: 4424,
    updatedAt,
    ...fields,
  };
}
