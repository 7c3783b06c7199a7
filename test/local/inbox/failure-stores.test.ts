import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsGateway, startAwsGateway } from '../../../local/gateway/gateway';
import { localFailureStores } from '../../../local/inbox/failure-stores';
import { type Inbox, startInbox } from '../../../local/inbox/server';
import { localRedriveTarget } from '../../../scripts/redrive/local-target';
import { launchChromium } from '../../support/chromium';
import { fakeSources } from './fake-sources';

// The inbox's failure stores over the real local SQS; stream replays are covered in test/local/redrive.
const DLQ = 'sandbox-local-legacy-relay-dlq';
const WORK = 'sandbox-local-legacy-relay';

let gateway: AwsGateway;
let inbox: Inbox;

beforeAll(async () => {
  gateway = await startAwsGateway({ port: 0 });
  gateway.sqs.createQueue(DLQ);
  gateway.sqs.createQueue(WORK, { redrive: { deadLetterQueueName: DLQ, maxReceiveCount: 5 } });
  gateway.sqs.createQueue('sandbox-local-stream-failures');
  const target = localRedriveTarget({
    awsUrl: gateway.url,
    dynamodbUrl: 'http://127.0.0.1:1',
    invoker: { invoke: async () => ({ ok: true, durationMs: 1 }) },
    mappings: [],
  });
  inbox = await startInbox({
    port: 0,
    sources: { ...fakeSources(), failureStores: localFailureStores(gateway.sqs, target) },
  });
});
afterAll(async () => {
  await inbox?.stop();
  await gateway?.close();
});
beforeEach(() => {
  gateway.sqs.purge(DLQ);
  gateway.sqs.purge(WORK);
});

function park(eventId: string) {
  return gateway.sqs.send(DLQ, JSON.stringify({ id: eventId, type: 'message.sent' }), {
    messageAttributes: {
      failureClass: { DataType: 'String', StringValue: 'park' },
      status: { DataType: 'Number', StringValue: '404' },
      reason: { DataType: 'String', StringValue: 'Legacy API answered 404 Not Found' },
    },
  }).messageId;
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${inbox.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

describe('the inbox failure-store API', () => {
  it('lists each DLQ with its work queue and stream-failures, each message with its reason attributes', async () => {
    const messageId = park('evt-1');
    const { status, body } = await call('GET', '/api/failure-stores');
    expect(status).toBe(200);
    expect(body.map((store: { base: string }) => store.base)).toEqual([
      'legacy-relay-dlq',
      'stream-failures',
    ]);
    expect(body[0]).toMatchObject({
      name: DLQ,
      kind: 'dead-letter-queue',
      destination: WORK,
      messages: [
        {
          messageId,
          state: 'visible',
          attributes: { failureClass: 'park', status: '404', reason: 'Legacy API answered 404 Not Found' },
          body: { id: 'evt-1', type: 'message.sent' },
        },
      ],
    });
  });

  it('moves nothing on a dry run and moves the DLQ back to its work queue on a redrive', async () => {
    const messageId = park('evt-2');
    const dryRun = await call('POST', '/api/failure-stores/legacy-relay-dlq/redrive', { dryRun: true });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ dryRun: true, count: 1, messages: [{ messageId }] });
    expect(gateway.sqs.listMessages(DLQ)).toHaveLength(1);

    const moved = await call('POST', '/api/failure-stores/legacy-relay-dlq/redrive', {});
    expect(moved.status).toBe(200);
    expect(moved.body.task).toMatchObject({ status: 'COMPLETED', moved: 1 });
    expect(gateway.sqs.listMessages(DLQ)).toEqual([]);
    expect(gateway.sqs.listMessages(WORK).map((message) => message.messageId)).toEqual([messageId]);
  });

  it('refuses an unknown store with 404 and a non-boolean dryRun with 400, moving nothing', async () => {
    park('evt-3');
    const unknown = await call('POST', '/api/failure-stores/legacy-relay/redrive', {});
    expect(unknown).toMatchObject({ status: 404, body: { error: 'FailureStoreNotFound' } });
    const invalid = await call('POST', '/api/failure-stores/legacy-relay-dlq/redrive', { dryRun: 'yes' });
    expect(invalid).toMatchObject({ status: 400, body: { error: 'InvalidParameter' } });
    expect(gateway.sqs.listMessages(DLQ)).toHaveLength(1);
  });
});

describe('the Dead letters tab in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a parked message’s reason attributes and moves it back with the Redrive button', async () => {
    const messageId = park('evt-4');
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${inbox.url}/#dead-letters`);

    const store = page.locator('[data-failure-store="legacy-relay-dlq"]');
    await store.locator(`[data-dead-letter="${messageId}"]`).waitFor({ timeout: 5000 });
    expect(await store.getByTestId('dead-letter-attribute').allTextContents()).toEqual([
      'failureClass=park',
      'status=404',
      'reason=Legacy API answered 404 Not Found',
    ]);

    await store.getByRole('button', { name: /Redrive/ }).click();
    await expect
      .poll(() => store.getByTestId('redrive-summary').textContent(), { timeout: 5000 })
      .toBe('COMPLETED 1/1 moved');
    await store.locator(`[data-dead-letter="${messageId}"]`).waitFor({ state: 'detached', timeout: 5000 });
    expect(gateway.sqs.listMessages(WORK).map((message) => message.messageId)).toEqual([messageId]);
    expect(
      await page
        .locator('[data-failure-store="stream-failures"]')
        .getByRole('button', { name: /Replay/ })
        .count(),
    ).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
