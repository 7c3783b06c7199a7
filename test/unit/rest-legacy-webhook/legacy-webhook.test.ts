import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../amplify/functions/rest-legacy-webhook/handler';
import { MAX_BODY_BYTES } from '../../../amplify/functions/rest-legacy-webhook/legacy-webhook';
import type { ProcessingDeps } from '../../../amplify/functions/rest-legacy-webhook/webhook-processing';
import { webhookReceipts } from '../../../amplify/functions/rest-legacy-webhook/webhook-receipts';
import { AppSyncUnavailableError } from '../../../amplify/functions/shared/appsync-client';
import type { AssignmentOutcome } from '../../../amplify/functions/shared/chat/broker-assignment';
import type { SystemMessage } from '../../../amplify/functions/shared/chat/system-message';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { logger } from '../../../amplify/functions/shared/logger';
import type { NoticeRequest } from '../../../amplify/functions/shared/notifications/notice-request';
import {
  AUDIENCE,
  bodyOf,
  expectJsonHeaders,
  FakeReceiptTable,
  ISSUER,
  LEGACY_KEY,
  legacyToken,
  NOW,
  NOW_S,
  restRequest,
} from '../../support/rest-fixtures';
import { answeredGet, answeredPage } from '../../support/typed-data';

const TABLE = 'sandbox-idempotency';
const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));

const NOTICE_BODY = '비공개 점검 공지 본문';
const CONVERSATION = {
  id: 'conv-1',
  kind: 'LISTING_INQUIRY' as const,
  status: 'OPEN' as const,
  memberIds: ['buyer-sub', 'broker-sub'],
  dedupeKey: 'k',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

const brokerAssigned = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'broker.assigned',
  occurredAt: '2026-03-14T03:00:00Z',
  version: 1,
  payload: { conversationId: 'conv-1', brokerId: 'BRK-301' },
  ...overrides,
});

let table: FakeReceiptTable;
let brokers: Map<string, { id: string; userId: string | null; name: string }>;
let processing: {
  data: ProcessingDeps['data'];
  assignBroker: ReturnType<typeof vi.fn<ProcessingDeps['assignBroker']>>;
  postSystemMessage: ReturnType<typeof vi.fn<(message: SystemMessage, now: Date) => Promise<unknown>>>;
  queueNotice: ReturnType<typeof vi.fn<(request: NoticeRequest) => Promise<void>>>;
};
let clock: Date;
let handler: ReturnType<typeof createHandler>;

beforeEach(() => {
  // Failures below are expected; their logging is checked where it matters.
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  dynamo.reset();
  table = new FakeReceiptTable(TABLE);
  table.install(dynamo);
  brokers = new Map([['BRK-301', { id: 'BRK-301', userId: 'broker-sub', name: '김중개' }]]);
  clock = NOW;
  const answers = async (operation: string, variables: Record<string, unknown>) => {
    if (operation === 'GetBrokerProfile')
      return { getBrokerProfile: brokers.get(variables.id as string) ?? null };
    return {
      listConversationsByListingId: {
        items: [{ id: 'conv-1', status: 'OPEN', memberIds: CONVERSATION.memberIds }],
        nextToken: null,
      },
    };
  };
  const data = {
    models: {
      BrokerProfile: { get: answeredGet(answers, 'GetBrokerProfile') },
      Conversation: { listConversationsByListingId: answeredPage(answers, 'ListConversationsByListingId') },
    },
  } as unknown as DataClient;
  // The assignment itself is faked (assignBroker).
  processing = {
    data: async () => data,
    assignBroker: vi.fn<ProcessingDeps['assignBroker']>(
      async (): Promise<AssignmentOutcome> => ({ kind: 'ASSIGNED', conversation: CONVERSATION }),
    ),
    postSystemMessage: vi.fn(async () => undefined),
    queueNotice: vi.fn(async () => undefined),
  };
  handler = createHandler({
    tokenSettings: () => ({ key: LEGACY_KEY.publicPem, issuer: ISSUER, audience: AUDIENCE }),
    receipts: webhookReceipts({ tableName: () => TABLE, dynamo: client }),
    processing: () => processing,
    now: () => clock,
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function post(
  body: unknown,
  options: { token?: string | null; headers?: Record<string, string> } = {},
) {
  const token = options.token === undefined ? await legacyToken() : options.token;
  return handler(
    restRequest({
      method: 'POST',
      path: '/webhooks/legacy',
      headers: {
        'Content-Type': 'application/json',
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...options.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

describe('POST /webhooks/legacy: authentication', () => {
  it.each([
    ['no Authorization header', null, {}, 'missing_token'],
    ['a Basic header', null, { Authorization: 'Basic Y3JtOnNlY3JldA==' }, 'not_bearer'],
    ['a garbage token', 'garbage', {}, 'malformed'],
  ])('answers 401 to %s', async (_name, token, headers, reason) => {
    const response = await post(brokerAssigned(), { token, headers });
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    expectJsonHeaders(response);
    expect(bodyOf(response)).toEqual({ error: 'unauthorized', message: expect.stringContaining(reason) });
  });

  it.each([
    ['expired', { iat: NOW_S - 400, exp: NOW_S - 100 }, 'expired'],
    ['for another audience', { aud: 'bootalk-amplify-prod' }, 'wrong_audience'],
    ['from another issuer', { iss: 'bootalk-amplify' }, 'wrong_issuer'],
  ])('answers 401 to a token %s, without touching the event or the table', async (_name, claims, reason) => {
    const token = await legacyToken(claims);
    const response = await post(brokerAssigned(), { token });
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response).message).toContain(reason);
    expect(response.body).not.toContain(token);
    expect(dynamo.calls()).toHaveLength(0);
    expect(processing.assignBroker).not.toHaveBeenCalled();
  });

  it('checks the token before the body: an unauthenticated caller learns nothing about its JSON', async () => {
    expect((await post('{not json', { token: null })).statusCode).toBe(401);
    expect((await post('x'.repeat(MAX_BODY_BYTES + 1), { token: null })).statusCode).toBe(401);
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        lines.push(JSON.stringify(args));
      });
    }
    const expired = await legacyToken({ iat: NOW_S - 400, exp: NOW_S - 100 });
    await post(brokerAssigned(), { token: expired });
    const good = await legacyToken();
    await post(brokerAssigned({ id: 'evt-log' }), { token: good });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(expired);
    expect(lines.join('\n')).not.toContain(good);
    expect(lines.join('\n')).toContain('evt-log');
  });
});

describe('POST /webhooks/legacy: the body', () => {
  it('answers 400 to a body that is not JSON, before claiming anything', async () => {
    const response = await post('{"id": ');
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: 'invalid_json' });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 400 naming the first wrong field', async () => {
    const response = await post(brokerAssigned({ payload: { brokerId: 'BRK-301' } }));
    expect(response.statusCode).toBe(400);
    expectJsonHeaders(response);
    expect(bodyOf(response)).toEqual({
      error: 'invalid_request',
      field: 'payload.conversationId',
      message: expect.stringMatching(/^payload\.conversationId: /),
    });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 400 to an unknown type', async () => {
    const response = await post(brokerAssigned({ type: 'listing.deleted' }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: 'unknown_type', field: 'type' });
  });

  it('answers 413 to a body over 256 KB and takes one of exactly 256 KB', async () => {
    const padding = (size: number) => {
      const base = JSON.stringify(brokerAssigned({ note: '' }));
      return JSON.stringify(brokerAssigned({ note: 'x'.repeat(size - base.length) }));
    };
    const over = await post(padding(MAX_BODY_BYTES + 1));
    expect(over.statusCode).toBe(413);
    expect(bodyOf(over)).toMatchObject({ error: 'payload_too_large' });
    expect((await post(padding(MAX_BODY_BYTES))).statusCode).toBe(202);
  });

  it('reads a base64-encoded body', async () => {
    const event = restRequest({
      method: 'POST',
      path: '/webhooks/legacy',
      headers: { Authorization: `Bearer ${await legacyToken()}` },
      body: JSON.stringify(brokerAssigned()),
    });
    const response = await handler({
      ...event,
      body: Buffer.from(event.body!, 'utf8').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response.statusCode).toBe(202);
  });

  it('answers 405 to another method', async () => {
    const response = await handler(restRequest({ method: 'GET', path: '/webhooks/legacy' }));
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ Allow: 'POST' });
  });
});

describe('POST /webhooks/legacy: each event type', () => {
  it('assigns the broker and answers 202 accepted, recording the id as DONE', async () => {
    const response = await post(brokerAssigned());
    expect(response.statusCode).toBe(202);
    expectJsonHeaders(response);
    expect(bodyOf(response)).toEqual({ id: 'evt-1', accepted: true });
    expect(processing.assignBroker).toHaveBeenCalledWith(
      expect.objectContaining({ conversationId: 'conv-1', mode: 'LEGACY_ASSIGNED' }),
      expect.anything(),
    );
    expect(table.rows.get('webhook:evt-1')).toMatchObject({ status: 'DONE', eventType: 'broker.assigned' });
  });

  it('answers 422 unknown_broker, and lets the same id through once the broker is synced', async () => {
    brokers.delete('BRK-301');
    const first = await post(brokerAssigned());
    expect(first.statusCode).toBe(422);
    expect(bodyOf(first)).toMatchObject({ error: 'unknown_broker' });
    expect(table.rows.has('webhook:evt-1')).toBe(false);
    brokers.set('BRK-301', { id: 'BRK-301', userId: 'broker-sub', name: '김중개' });
    expect((await post(brokerAssigned())).statusCode).toBe(202);
  });

  it('answers 422 unknown_conversation', async () => {
    processing.assignBroker.mockResolvedValueOnce({ kind: 'CONVERSATION_NOT_FOUND' });
    const response = await post(brokerAssigned());
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toMatchObject({ error: 'unknown_conversation' });
  });

  it('posts the listing status message and answers 202', async () => {
    const response = await post(
      brokerAssigned({
        id: 'evt-2',
        type: 'listing.status_changed',
        payload: { listingId: 'LST-20001', status: 'SOLD', previousStatus: 'ACTIVE' },
      }),
    );
    expect(response.statusCode).toBe(202);
    expect(processing.postSystemMessage).toHaveBeenCalledWith(
      {
        conversationId: 'conv-1',
        memberIds: CONVERSATION.memberIds,
        body: '이 매물은 거래가 완료되었습니다.',
        key: 'listing-status:LST-20001:SOLD:evt-2',
      },
      NOW,
    );
  });

  it('queues a published notice and never logs its text', async () => {
    const lines: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        lines.push(JSON.stringify(args));
      });
    }
    const notice = {
      version: 1,
      noticeId: 'NTC-77',
      title: '점검 안내',
      body: NOTICE_BODY,
      segment: { roles: ['USER'] },
      publishedAt: '2026-03-14T12:00:00+09:00',
    };
    const response = await post(brokerAssigned({ id: 'evt-3', type: 'notice.published', payload: notice }));
    expect(response.statusCode).toBe(202);
    expect(processing.queueNotice).toHaveBeenCalledWith(notice);
    expect(lines.join('\n')).toContain('evt-3');
    expect(lines.join('\n')).not.toContain(NOTICE_BODY);
  });
});

describe('POST /webhooks/legacy: once per event id', () => {
  it('answers 200 duplicate to a repeated id without processing it again', async () => {
    await post(brokerAssigned());
    clock = new Date(NOW.getTime() + 3_600_000);
    const again = await post(brokerAssigned(), {
      token: await legacyToken({ iat: NOW_S + 3600, exp: NOW_S + 3900 }),
    });
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual({ id: 'evt-1', duplicate: true });
    expect(processing.assignBroker).toHaveBeenCalledTimes(1);
  });

  it('answers 409 in_progress while another attempt of the same id runs', async () => {
    let finish: (outcome: AssignmentOutcome) => void = () => undefined;
    processing.assignBroker.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    );
    const first = post(brokerAssigned());
    await vi.waitFor(() => expect(processing.assignBroker).toHaveBeenCalled());
    const second = await post(brokerAssigned());
    expect(second.statusCode).toBe(409);
    expect(bodyOf(second)).toMatchObject({ error: 'in_progress' });
    finish({ kind: 'ASSIGNED', conversation: CONVERSATION });
    expect((await first).statusCode).toBe(202);
    expect(processing.assignBroker).toHaveBeenCalledTimes(1);
  });

  it('answers 409 id_reused to the same id with another payload or type', async () => {
    await post(brokerAssigned());
    const otherPayload = await post(
      brokerAssigned({ payload: { conversationId: 'conv-2', brokerId: 'BRK-301' } }),
    );
    expect(otherPayload.statusCode).toBe(409);
    expect(bodyOf(otherPayload)).toMatchObject({ error: 'id_reused' });
    const otherType = await post(
      brokerAssigned({ type: 'listing.status_changed', payload: { listingId: 'L', status: 'SOLD' } }),
    );
    expect(bodyOf(otherType)).toMatchObject({ error: 'id_reused' });
    expect(processing.assignBroker).toHaveBeenCalledTimes(1);
  });

  it('releases the claim when processing fails and answers 500, so the retry runs it', async () => {
    processing.assignBroker.mockRejectedValueOnce(new Error('bug'));
    const failed = await post(brokerAssigned());
    expect(failed.statusCode).toBe(500);
    expectJsonHeaders(failed);
    expect(bodyOf(failed)).toMatchObject({ error: 'internal_error' });
    expect(table.rows.has('webhook:evt-1')).toBe(false);
    const retried = await post(brokerAssigned());
    expect(retried.statusCode).toBe(202);
    expect(processing.assignBroker).toHaveBeenCalledTimes(2);
  });

  it('answers 503 with Retry-After when AppSync is unavailable, releasing the claim', async () => {
    processing.assignBroker.mockRejectedValueOnce(
      new AppSyncUnavailableError('AppSync answered HTTP 503', 503),
    );
    const response = await post(brokerAssigned());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': expect.any(String) });
    expect(bodyOf(response)).toMatchObject({ error: 'unavailable' });
    expect(table.rows.has('webhook:evt-1')).toBe(false);
  });

  it('answers 503 when the idempotency table throttles the claim, processing nothing', async () => {
    dynamo.on(PutCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $retryable: { throttling: true },
      }),
    );
    const response = await post(brokerAssigned());
    expect(response.statusCode).toBe(503);
    expect(processing.assignBroker).not.toHaveBeenCalled();
  });

  it('still answers 202 when the work is done but the DONE mark fails (the work is safe to repeat)', async () => {
    dynamo.on(UpdateCommand).rejects(new Error('network'));
    const response = await post(brokerAssigned());
    expect(response.statusCode).toBe(202);
    expect(table.rows.get('webhook:evt-1')?.status).toBe('IN_PROGRESS');
  });
});
