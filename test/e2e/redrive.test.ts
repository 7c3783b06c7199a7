import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { inbox } from './app-user';
import { legacyCalls, outputs } from './e2e-support';

const DLQ = 'sandbox-local-legacy-relay-dlq';

/** A message.sent event of this file's own, parked in the relay's DLQ as a consumer parks one. */
async function parkEvent(): Promise<{ eventId: string; messageId: string }> {
  const eventId = `message.sent:e2e-redrive-${randomUUID()}`;
  const now = new Date().toISOString();
  const sqs = new SQSClient({
    endpoint: outputs().custom.localSandbox.awsEndpointUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const QueueUrl = `${outputs().custom.localSandbox.awsEndpointUrl}/123456789012/${DLQ}`;
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: JSON.stringify({
        type: 'message.sent',
        id: eventId,
        occurredAt: now,
        version: 1,
        payload: {
          messageId: eventId.split(':')[1],
          conversationId: randomUUID(),
          senderId: randomUUID(),
          kind: 'TEXT',
          createdAt: now,
          body: null,
          image: null,
          listing: null,
        },
      }),
      MessageAttributes: {
        failureClass: { DataType: 'String', StringValue: 'park' },
        status: { DataType: 'Number', StringValue: '404' },
        reason: { DataType: 'String', StringValue: 'Legacy API answered 404 (deploy in progress)' },
      },
    }),
  );
  return { eventId, messageId: sent.MessageId! };
}

describe('redriving a parked Legacy event in the running sandbox', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the parked event with npm run redrive -- --dry-run and moves nothing', async () => {
    const { messageId } = await parkEvent();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/redrive.ts',
        'legacy-relay-dlq',
        '--dry-run',
        '--outputs',
        inject('outputsPath'),
      ],
      { env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(stdout).toContain(`${DLQ} → sandbox-local-legacy-relay`);
    expect(stdout).toContain('(dry run: nothing moved)');
    expect(stdout).toMatch(
      new RegExp(`${messageId} .*reason=Legacy API answered 404 \\(deploy in progress\\)`),
    );
    const stores = await inbox<{ base: string; messages: { messageId: string }[] }[]>('/api/failure-stores');
    const dlq = stores.find((store) => store.base === 'legacy-relay-dlq');
    expect(dlq?.messages.map((message) => message.messageId)).toContain(messageId);
    // tsx compiles the script at start: slow on a loaded machine.
  }, 120_000);

  it('shows the reason in the Dead letters tab, and its Redrive button delivers the event to the Legacy API once', async () => {
    const since = new Date().toISOString();
    const { eventId, messageId } = await parkEvent();
    const page = await browser.newPage();
    await page.goto(`${inject('inboxUrl')}/#dead-letters`);
    const store = page.locator('[data-failure-store="legacy-relay-dlq"]');
    const letter = store.locator(`[data-dead-letter="${messageId}"]`);
    await letter.waitFor({ timeout: 10_000 });
    expect(await letter.getByTestId('dead-letter-attribute').allTextContents()).toEqual([
      'failureClass=park',
      'status=404',
      'reason=Legacy API answered 404 (deploy in progress)',
    ]);

    await store.getByRole('button', { name: /Redrive/ }).click();
    await expect
      .poll(() => store.getByTestId('redrive-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^COMPLETED (\d+)\/\1 moved$/);

    const delivered = async () =>
      (await legacyCalls(since)).filter(
        (call) => call.path === '/v1/events' && (call.body as { id?: string } | undefined)?.id === eventId,
      );
    await expect
      .poll(async () => (await delivered()).map((call) => call.status), { timeout: 30_000 })
      .toEqual([expect.any(Number)]);
    expect((await delivered())[0]!.status).toBeLessThan(300);
    await page.close();
  });
});
